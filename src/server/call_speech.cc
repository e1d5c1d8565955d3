#include "server/call_speech.h"

#include <cstdio>
#include <utility>

#include "speech/wipe.h"

namespace keyline::server {
namespace {

constexpr int kSampleRate = 8000;
// Audio kept while the recognition thread starts the turn (normally milliseconds; the first
// turn of a server's life may also load the model). Older audio is dropped, wiped.
constexpr std::size_t kMaxPendingSamples = kSampleRate * 10;

void count(std::atomic<std::uint64_t>* counter) {
  if (counter) ++*counter;
}

}  // namespace

CallSpeech::CallSpeech(io::EventLoop& loop, speech::AsrWorker& worker, ServerMetrics* metrics,
                       Logger& logger, std::string call_id, Handlers handlers)
    : loop_(loop),
      worker_(worker),
      metrics_(metrics),
      logger_(logger),
      call_id_(std::move(call_id)),
      handlers_(std::move(handlers)) {}

CallSpeech::~CallSpeech() {
  *alive_ = false;
  stop();
}

void CallSpeech::start(const flow::SpeechRequest& request) {
  stop();
  const std::uint64_t id = ++turn_id_;
  active_ = true;
  is_private_ = request.is_private;
  started_reported_ = false;
  speech::AsrOptions options;
  options.confidence_threshold = request.confidence_threshold;
  std::weak_ptr<bool> alive = alive_;
  io::EventLoop& loop = loop_;
  worker_.post([this, alive, id, &loop, grammar = request.grammar,
                options](Result<speech::AsrEngine*> engine) {
    // Recognition thread: compile (or reuse) the grammar and lease a decoder.
    auto session = std::make_shared<Result<std::unique_ptr<speech::AsrSession>>>(
        engine ? (*engine)->start(grammar, kSampleRate, options)
               : Result<std::unique_ptr<speech::AsrSession>>(engine.error()));
    loop.post([this, alive, id, session] {
      if (!alive.expired()) on_session(id, std::move(*session));
    });
  });
}

void CallSpeech::stop() {
  ++turn_id_;
  active_ = false;
  turn_.reset();
  speech::wipe_samples(pending_);
}

void CallSpeech::on_session(std::uint64_t id, Result<std::unique_ptr<speech::AsrSession>> session) {
  if (id != turn_id_ || !active_) return;  // dropped meanwhile: the lease goes back
  if (!session) {
    // The flow goes on with keys (and its no-input timer); the message names the app's
    // grammar or the recognizer, never the caller's words.
    count(metrics_ ? &metrics_->asr_errors : nullptr);
    logger_.warn("call", call_id_ + " speech input unavailable: " + session.error().message);
    active_ = false;
    speech::wipe_samples(pending_);
    return;
  }
  speech::AsrTurnConfig config;
  // The flow's timer decides no-input (it also waits for keys); the turn only bounds speech.
  config.no_input_timeout_ms = 3'600'000;
  turn_ = std::make_unique<speech::AsrTurn>(std::move(*session), kSampleRate, config);
  if (!pending_.empty()) {
    std::vector<std::int16_t> early;
    early.swap(pending_);
    feed(early);
    speech::wipe_samples(early);
  }
}

void CallSpeech::on_audio(std::span<const std::int16_t> pcm) {
  if (!active_) return;
  if (!turn_) {
    pending_.insert(pending_.end(), pcm.begin(), pcm.end());
    if (pending_.size() > kMaxPendingSamples) {
      const auto drop = static_cast<std::ptrdiff_t>(pending_.size() - kMaxPendingSamples);
      std::fill(pending_.begin(), pending_.begin() + drop, std::int16_t{0});
      pending_.erase(pending_.begin(), pending_.begin() + drop);
    }
    return;
  }
  feed(pcm);
}

void CallSpeech::feed(std::span<const std::int16_t> pcm) {
  if (!turn_) return;
  auto over = turn_->feed(pcm);
  const bool now_speaking = turn_->speech_started() && !started_reported_;
  if (!over || *over) {
    finish_turn();
    return;
  }
  if (now_speaking) {
    started_reported_ = true;
    count(metrics_ ? &metrics_->asr_speech_starts : nullptr);
    // May re-enter (the flow stops the prompt); nothing of ours is touched after it.
    if (handlers_.on_speech_started) handlers_.on_speech_started();
  }
}

void CallSpeech::finish_turn() {
  std::shared_ptr<speech::AsrTurn> turn(turn_.release());
  const std::uint64_t id = turn_id_;
  std::weak_ptr<bool> alive = alive_;
  io::EventLoop& loop = loop_;
  worker_.post([this, alive, id, &loop, turn](Result<speech::AsrEngine*>) mutable {
    // Recognition thread: decode, then the turn (and the audio it holds) goes.
    auto result = std::make_shared<Result<speech::AsrResult>>(turn->finish());
    turn.reset();
    loop.post([this, alive, id, result] {
      if (alive.expired()) {
        if (*result) result->value().wipe();
        return;
      }
      deliver(id, std::move(*result));
    });
  });
}

void CallSpeech::deliver(std::uint64_t id, Result<speech::AsrResult> result) {
  if (id != turn_id_ || !active_) {  // dropped meanwhile
    if (result) result->wipe();
    return;
  }
  active_ = false;
  count(metrics_ ? &metrics_->asr_recognitions : nullptr);
  speech::AsrResult r;
  if (!result) {
    // The recognizer failed on this turn: the caller spoke but was not understood.
    count(metrics_ ? &metrics_->asr_errors : nullptr);
    logger_.warn("call", call_id_ + " speech recognition failed: " + result.error().message);
    r.status = speech::AsrStatus::kNoMatch;
  } else {
    r = std::move(result.value());
  }
  if (r.status == speech::AsrStatus::kNoMatch) count(metrics_ ? &metrics_->asr_nomatch : nullptr);
  if (r.status == speech::AsrStatus::kNoInput) count(metrics_ ? &metrics_->asr_noinput : nullptr);
  // The outcome and how sure, never the words (and for a private module not even that).
  std::string line = call_id_ + " speech " + std::string(speech::to_string(r.status));
  if (!is_private_) {
    char figures[64];
    std::snprintf(figures, sizeof figures, " (confidence %.2f, %.2f s of audio)", r.best.confidence,
                  r.audio_seconds);
    line += figures;
  }
  logger_.info("call", line);
  if (handlers_.on_result) {
    handlers_.on_result(std::move(r));
  } else {
    r.wipe();
  }
}

}  // namespace keyline::server
