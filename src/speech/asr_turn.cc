#include "speech/asr_turn.h"

#include <algorithm>
#include <utility>

#include "speech/wipe.h"

namespace keyline::speech {
namespace {

media::VadConfig at_rate(media::VadConfig vad, int rate) {
  vad.sample_rate = rate;
  return vad;
}

}  // namespace

AsrTurn::AsrTurn(std::unique_ptr<AsrSession> session, int sample_rate, AsrTurnConfig config)
    : session_(std::move(session)),
      sample_rate_(sample_rate),
      config_(config),
      vad_(at_rate(config.vad, sample_rate)) {}

AsrTurn::~AsrTurn() { wipe_samples(pre_roll_); }

Result<bool> AsrTurn::feed(std::span<const std::int16_t> pcm) {
  if (over_) return true;
  if (!session_) return make_error("asr", "no recognition session");
  const auto state = vad_.process(pcm);
  samples_ += pcm.size();
  if (!speech_started()) {
    // Waiting: keep only the last pre_roll_ms, so the recognizer gets the soft start of the
    // first word but never the seconds of silence (or prompt echo) before it.
    pre_roll_.insert(pre_roll_.end(), pcm.begin(), pcm.end());
    const auto keep = static_cast<std::size_t>(config_.pre_roll_ms) * sample_rate_ / 1000;
    if (pre_roll_.size() > keep) {
      const auto drop = static_cast<std::ptrdiff_t>(pre_roll_.size() - keep);
      std::fill(pre_roll_.begin(), pre_roll_.begin() + drop, std::int16_t{0});
      pre_roll_.erase(pre_roll_.begin(), pre_roll_.begin() + drop);
    }
  } else {
    // The whole chunk goes to the recognizer: chunks are a packet long, so at
    // most one packet past the end of speech is decoded.
    if (!pre_roll_.empty()) {
      auto fed = session_->feed(pre_roll_);
      wipe_samples(pre_roll_);
      pre_roll_.clear();
      if (!fed) {
        over_ = true;
        return fed.error();
      }
    }
    if (auto fed = session_->feed(pcm); !fed) {
      over_ = true;
      return fed.error();
    }
  }
  const auto ms = static_cast<long long>(samples_) * 1000 / sample_rate_;
  const auto speech_ms =
      speech_started()
          ? static_cast<long long>(samples_ - vad_.speech_start_sample()) * 1000 / sample_rate_
          : 0;
  over_ = state == media::VadState::kEnded ||
          (state == media::VadState::kWaiting && ms >= config_.no_input_timeout_ms) ||
          speech_ms >= config_.max_speech_ms;
  return over_;
}

Result<AsrResult> AsrTurn::finish() {
  over_ = true;
  if (!session_) return make_error("asr", "no recognition session");
  auto session = std::move(session_);
  // No speech: the recognizer is not asked to guess at silence or noise.
  if (!speech_started()) {
    AsrResult result;
    result.audio_seconds = static_cast<double>(samples_) / sample_rate_;
    return result;
  }
  return session->finish();
}

}  // namespace keyline::speech
