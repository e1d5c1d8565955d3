// Answering-machine detection for outbound calls: fed the callee's first seconds of audio, it
// decides whether a person, a machine's greeting or a fax answered. The API is agreed between
// the outbound dialer (server/) and the detector; this file and its .cc are the placeholder the
// dialer builds against (an energy-only guess) until the real detector lands.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace keyline::media {

enum class CalleeType { kProcessing, kVoice, kAnsweringMachine, kFax, kUnknown };
// "processing", "voice", "answeringmachine", "fax", "unknown"
std::string_view callee_type_name(CalleeType type);

struct AmdSettings {
  int decision_ms = 4000;  // give up (kUnknown) after this much audio
};

class AnsweringMachineDetector {
 public:
  explicit AnsweringMachineDetector(AmdSettings settings = {});
  // Feed the callee's audio as 8 kHz 16-bit linear PCM, any frame size (usually 160 samples).
  // Returns the decision the first time one is made (never kProcessing), std::nullopt before.
  std::optional<CalleeType> feed(std::span<const std::int16_t> samples_8k);
  CalleeType result() const { return result_; }  // kProcessing until decided
  // After a kAnsweringMachine decision keep feeding: true once the greeting's beep has ended
  // (leave the message now). Also true if the greeting ended in silence without a beep.
  bool ready_for_message() const { return ready_; }

 private:
  AmdSettings settings_;
  CalleeType result_ = CalleeType::kProcessing;
  bool ready_ = false;
  std::int64_t samples_ = 0;         // fed so far
  std::int64_t voiced_samples_ = 0;  // in frames above the speech threshold
  std::int64_t quiet_run_ = 0;       // samples of silence since the last speech
  std::int64_t speech_run_ = 0;      // samples of the current stretch of speech
  std::int64_t longest_speech_ = 0;
};

}  // namespace keyline::media
