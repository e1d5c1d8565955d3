// Placeholder detector (energy only): a short greeting followed by silence is a person ("Hello?"
// then waiting), a long unbroken stretch of speech is a machine's greeting; nothing decisive
// within decision_ms is unknown. The real detector (tones, cadence, beep) replaces this file.
#include "media/answering_machine_detector.h"

#include <cmath>

namespace keyline::media {
namespace {

constexpr std::int64_t kRate = 8000;
constexpr double kSpeechRms = 300.0;                    // about -40 dBFS
constexpr std::int64_t kHumanPause = kRate * 3 / 4;     // a person stops and waits
constexpr std::int64_t kMachineSpeech = kRate * 5 / 2;  // greetings run on

}  // namespace

std::string_view callee_type_name(CalleeType type) {
  switch (type) {
    case CalleeType::kProcessing:
      return "processing";
    case CalleeType::kVoice:
      return "voice";
    case CalleeType::kAnsweringMachine:
      return "answeringmachine";
    case CalleeType::kFax:
      return "fax";
    case CalleeType::kUnknown:
      return "unknown";
  }
  return "unknown";
}

AnsweringMachineDetector::AnsweringMachineDetector(AmdSettings settings) : settings_(settings) {}

std::optional<CalleeType> AnsweringMachineDetector::feed(std::span<const std::int16_t> samples) {
  if (samples.empty()) return std::nullopt;
  double sum = 0;
  for (std::int16_t s : samples) sum += static_cast<double>(s) * s;
  const bool voiced = std::sqrt(sum / static_cast<double>(samples.size())) > kSpeechRms;
  const auto n = static_cast<std::int64_t>(samples.size());
  samples_ += n;
  if (voiced) {
    voiced_samples_ += n;
    speech_run_ += n;
    quiet_run_ = 0;
    if (speech_run_ > longest_speech_) longest_speech_ = speech_run_;
  } else {
    quiet_run_ += n;
    speech_run_ = 0;
  }
  if (result_ == CalleeType::kAnsweringMachine) {
    if (!ready_ && quiet_run_ >= kHumanPause) ready_ = true;  // the greeting is over
    return std::nullopt;
  }
  if (result_ != CalleeType::kProcessing) return std::nullopt;
  if (longest_speech_ >= kMachineSpeech) {
    result_ = CalleeType::kAnsweringMachine;
  } else if (voiced_samples_ > 0 && quiet_run_ >= kHumanPause) {
    result_ = CalleeType::kVoice;
  } else if (samples_ >= settings_.decision_ms * kRate / 1000) {
    result_ = CalleeType::kUnknown;
  } else {
    return std::nullopt;
  }
  return result_;
}

}  // namespace keyline::media
