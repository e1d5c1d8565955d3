// An energy-based voice activity detector for one utterance: it says when
// the caller starts speaking and when they have stopped (a configurable run
// of trailing silence), which is what ends a speech-input turn. Energy is
// enough on a phone line: the codec has already band-limited the audio, and
// what matters is "is someone talking now", not which sound it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace keyline::media {

struct VadConfig {
  int sample_rate = 8000;  // 8000 or 16000; anything else is treated as 8000
  // A frame is speech when its level is above both this floor and the
  // tracked background noise plus noise_margin_db.
  double speech_dbfs = -45.0;
  double noise_margin_db = 12.0;
  // Speech must last this long before it counts (a click or a cough of
  // line noise does not start an utterance).
  int min_speech_ms = 60;
  // Silence this long after speech ends the utterance. Words in a digit
  // string are separated by 100-300 ms pauses, so this must be longer.
  int trailing_silence_ms = 800;
};

enum class VadState {
  kWaiting,  // no speech yet
  kSpeech,   // speech started and has not ended
  kEnded,    // speech followed by trailing_silence_ms of silence
};

class EnergyVad {
 public:
  explicit EnergyVad(const VadConfig& config = {});

  // Consumes audio in any chunk size and returns the state after it. Once
  // kEnded, further audio is ignored until reset().
  VadState process(std::span<const std::int16_t> pcm);
  VadState state() const { return state_; }
  void reset();
  // As reset(), but the background level learnt so far is kept: for a caller of many
  // utterances in one stream (answering-machine detection counts words), where the next one
  // may start at once and must not be taken for the background.
  void next_utterance();

  // Sample offsets (from the first sample given since reset) of the first
  // speech frame and of the first frame of the trailing silence; valid once
  // the state has reached kSpeech / kEnded.
  std::size_t speech_start_sample() const { return speech_start_; }
  std::size_t speech_end_sample() const { return speech_end_; }
  double noise_floor_dbfs() const { return noise_floor_; }

 private:
  void frame_done();

  VadConfig config_;
  std::size_t frame_samples_;  // 10 ms
  int min_speech_frames_;
  int trailing_frames_;

  VadState state_ = VadState::kWaiting;
  double sum_squares_ = 0;    // of the frame being filled
  std::size_t in_frame_ = 0;  // samples in the frame being filled
  std::size_t consumed_ = 0;  // samples in completed frames
  int speech_run_ = 0;
  int silence_run_ = 0;
  double noise_floor_ = -90.0;
  bool have_floor_ = false;
  std::size_t speech_start_ = 0;
  std::size_t speech_end_ = 0;
};

}  // namespace keyline::media
