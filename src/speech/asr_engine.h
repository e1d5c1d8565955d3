// Speech recognition behind an interface, so flows never see a recognizer
// library and tests can substitute a fake. One AsrSession is one caller
// turn: start it with a grammar, feed the caller's audio, finish it for the
// result. Recognition is CPU work (tens of milliseconds per second of
// audio): like TTS it belongs off a call's worker thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "speech/asr_grammar.h"

namespace keyline::speech {

enum class AsrStatus {
  kMatch,    // a grammar sentence with confidence at or above the threshold
  kNoMatch,  // speech, but nothing in the grammar was said with confidence
  kNoInput,  // no speech at all
};

// One reading of the audio. `words` is what was heard ("two three"),
// `value` its meaning for the grammar ("23"; yes/no "true"/"false"; a menu
// choice's value). Both may be private (a caller may speak a card number):
// never log them, and wipe() a result the flow has finished with.
struct AsrHypothesis {
  std::string words;
  std::string value;
  double confidence = 0;  // 0..1
};

struct AsrResult {
  AsrStatus status = AsrStatus::kNoInput;
  // The best hypothesis; empty words/value for kNoInput. For kNoMatch it
  // still holds the best guess and its (low) confidence, for diagnosis.
  AsrHypothesis best;
  // Distinct alternatives, best first (best is nbest[0] when not empty).
  std::vector<AsrHypothesis> nbest;
  // Seconds of audio decoded.
  double audio_seconds = 0;

  // Overwrites every string before its memory is released.
  void wipe();
};

struct AsrOptions {
  // Below this the result is kNoMatch (the builder's "confidence level").
  double confidence_threshold = 0.5;
  std::size_t max_nbest = 5;
};

// The longest turn a session buffers; audio beyond it is refused.
constexpr double kMaxUtteranceSeconds = 30.0;

class AsrSession {
 public:
  virtual ~AsrSession() = default;
  // Appends 16-bit mono audio at the session's sample rate. An error when
  // the turn exceeds kMaxUtteranceSeconds or the session is finished.
  virtual Status feed(std::span<const std::int16_t> pcm) = 0;
  // Decodes what was fed and returns the result; the session is done.
  virtual Result<AsrResult> finish() = 0;
};

class AsrEngine {
 public:
  virtual ~AsrEngine() = default;
  // Starts a turn. sample_rate is 8000 or 16000. Errors: kind "grammar" for
  // an invalid grammar (or a word the recognizer does not know), "asr" for
  // a recognizer failure or when every decoder is busy.
  virtual Result<std::unique_ptr<AsrSession>> start(const Grammar& grammar, int sample_rate,
                                                    const AsrOptions& options) = 0;
  virtual std::string_view name() const = 0;
};

std::string_view to_string(AsrStatus status);

}  // namespace keyline::speech
