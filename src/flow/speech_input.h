// Speech input for the input modules (docs/apps.md#speech-input): what a module listens for —
// a speech::Grammar built from its settings — and what a recognised answer means to it. The
// interpreter hands the grammar to its host (FlowHost::start_recognition) and turns the host's
// result into the same entry a key press would have made, so one set of checks (a Number's
// bounds, a Menu's options) serves both.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "flow/app_document.h"
#include "speech/asr_engine.h"
#include "speech/asr_grammar.h"

namespace keyline::flow {

// What the interpreter asks its host to listen for.
struct SpeechRequest {
  speech::Grammar grammar;
  double confidence_threshold = 0.5;  // below it the host reports kNoMatch
  bool barge_in = true;               // the caller starting to speak stops the prompt
  // The module is private: what the caller says must never be logged or kept.
  bool is_private = false;
  // The module's no-input timeout; the interpreter's own timer decides no-input, a host may
  // use this to bound how long it buffers.
  std::chrono::milliseconds no_input_timeout{5000};
};

// Menu, Digits, Number, Yes/No and Custom Field with "speech": true.
bool listens_for_speech(const Module& module);

// The grammar for a module that listens for speech (errors of kind "grammar" name the app's
// own phrases, never anything a caller said).
Result<speech::Grammar> speech_grammar(const Module& module);

// The request for the module, or an error when its grammar is not valid.
Result<SpeechRequest> speech_request(const Module& module);

// The entry a recognised hypothesis stands for, in the module's terms: a Menu's option key, a
// Yes/No's "1"/"2", a digit string, a Number's digits, a Custom Field's words (or phrase).
// nullopt when the value means nothing to the module.
std::optional<std::string> speech_entry(const Module& module, const speech::AsrHypothesis& heard);

// Recognition from typed text, for app tests and the simulator: `text` is matched against the
// grammar as if it had been heard with `confidence`. A custom JSGF grammar accepts any words
// (only the recognizer parses JSGF). Empty text is no-input.
speech::AsrResult recognize_text(const speech::Grammar& grammar, std::string_view text,
                                 double confidence, double threshold);

}  // namespace keyline::flow
