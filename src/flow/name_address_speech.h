// What a Name or Address module listens for: its phrases (each its own choice, the value being
// the phrase as the app wrote it) or its JSGF grammar. Shared by the app loader (to report a
// bad grammar with its position) and the interpreter (to ask the host to listen).
#pragma once

#include "base/result.h"
#include "flow/app_document.h"
#include "flow/speech_input.h"
#include "speech/asr_grammar.h"

namespace keyline::flow {

// Errors (kind "grammar") name the app's own phrases, never anything a caller said.
Result<speech::Grammar> voice_answer_grammar(const VoiceAnswerSettings& settings);

// The host request for a module that recognizes (its grammar must be valid).
Result<SpeechRequest> voice_answer_speech_request(const Module& module);

}  // namespace keyline::flow
