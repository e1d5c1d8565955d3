#include "speech/asr_turn.h"

#include <utility>

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

Result<bool> AsrTurn::feed(std::span<const std::int16_t> pcm) {
  if (over_) return true;
  if (!session_) return make_error("asr", "no recognition session");
  // The whole chunk goes to the recognizer: chunks are a packet long, so at
  // most one packet past the end of speech is decoded.
  const auto state = vad_.process(pcm);
  if (auto fed = session_->feed(pcm); !fed) {
    over_ = true;
    return fed.error();
  }
  samples_ += pcm.size();
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
