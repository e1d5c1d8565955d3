// One speech-input turn as a call runs it: the caller's audio goes to the
// recognizer and to the VAD, and the VAD decides when the turn is over
// (end of speech after trailing silence, or no speech before the no-input
// timeout). It also tells the caller's media when speech starts, which is
// what speech barge-in stops the prompt on.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "base/result.h"
#include "media/vad.h"
#include "speech/asr_engine.h"

namespace keyline::speech {

struct AsrTurnConfig {
  media::VadConfig vad;  // sample_rate is taken from the turn
  int no_input_timeout_ms = 5000;
  // A caller who never stops (or a line that never goes quiet) still ends
  // the turn.
  int max_speech_ms = 15000;
  // Audio kept from before the VAD noticed speech (the word's soft start)
  // and given to the recognizer with it. Silence before that is never
  // buffered, so a turn that listens through a long prompt stays small.
  int pre_roll_ms = 500;
};

class AsrTurn {
 public:
  AsrTurn(std::unique_ptr<AsrSession> session, int sample_rate, AsrTurnConfig config = {});
  ~AsrTurn();
  AsrTurn(const AsrTurn&) = delete;
  AsrTurn& operator=(const AsrTurn&) = delete;

  // Feeds audio; true once the turn is over and finish() should be called
  // (audio after that is ignored). An error from the recognizer ends the
  // turn too.
  Result<bool> feed(std::span<const std::int16_t> pcm);
  bool speech_started() const { return vad_.state() != media::VadState::kWaiting; }
  bool over() const { return over_; }

  // The recognition result; kNoInput when nobody spoke.
  Result<AsrResult> finish();

 private:
  std::unique_ptr<AsrSession> session_;
  int sample_rate_;
  AsrTurnConfig config_;
  media::EnergyVad vad_;
  std::size_t samples_ = 0;
  std::vector<std::int16_t> pre_roll_;  // the caller's audio: overwritten when dropped
  bool over_ = false;
};

}  // namespace keyline::speech
