// In-band DTMF detection with spandsp's detector (Goertzel filters with
// ITU-T Q.24 level, twist and duration checks): inband_dtmf.cc is the only
// file that includes spandsp's DTMF code. Fed the decoded 8 kHz audio of a
// call, it reports each key press once, when the press has lasted long
// enough to be believed (about two 102-sample blocks), not when it ends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/result.h"

namespace keyline::media {

class InbandDtmfDetector {
 public:
  // Fails only when spandsp cannot allocate its state.
  static Result<std::unique_ptr<InbandDtmfDetector>> create();
  ~InbandDtmfDetector();
  InbandDtmfDetector(const InbandDtmfDetector&) = delete;
  InbandDtmfDetector& operator=(const InbandDtmfDetector&) = delete;

  // Feeds 8 kHz linear audio and writes the keys newly detected to `keys`;
  // returns how many. Keys that do not fit wait for the next call (a 20 ms
  // frame can hold at most one).
  std::size_t feed(std::span<const std::int16_t> pcm8k, std::span<char> keys);

  // A lost or late packet: advances the detector's timing over the gap
  // instead of splicing the audio either side of it together.
  void fill_in(std::size_t samples);

  // What the detector heard in the last block it processed: 0 for no tone,
  // 'x' for a tone pair not yet confirmed, or the key being held. Recording
  // uses it to blank tones from the moment they appear until they stop,
  // which the once-per-press report of feed() cannot tell.
  char tone_status() const;

 private:
  struct State;
  explicit InbandDtmfDetector(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace keyline::media
