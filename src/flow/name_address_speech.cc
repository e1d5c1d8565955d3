#include "flow/name_address_speech.h"

namespace keyline::flow {

Result<speech::Grammar> voice_answer_grammar(const VoiceAnswerSettings& settings) {
  speech::Grammar grammar;
  if (!settings.grammar.empty()) {
    grammar = speech::Grammar::custom(settings.grammar);
  } else {
    // Each phrase is its own choice, so the value is the name or address as the app wrote it.
    std::vector<speech::MenuChoice> choices;
    for (const auto& phrase : settings.phrases) choices.push_back({phrase, {phrase}});
    grammar = speech::Grammar::menu(std::move(choices));
  }
  if (auto ok = speech::validate(grammar); !ok) return ok.error();
  return grammar;
}

Result<SpeechRequest> voice_answer_speech_request(const Module& module) {
  const VoiceAnswerSettings* settings = module.voice_answer();
  if (!settings || !settings->recognizes())
    return make_error("grammar", "this module has no phrases or grammar");
  auto grammar = voice_answer_grammar(*settings);
  if (!grammar) return grammar.error();
  SpeechRequest request;
  request.grammar = std::move(*grammar);
  request.confidence_threshold = settings->confidence;
  request.barge_in = false;  // the prompt has played: the module listens after the beep
  request.is_private = module.is_private;
  request.no_input_timeout = settings->no_input;
  return request;
}

}  // namespace keyline::flow
