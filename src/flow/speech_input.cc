#include "flow/speech_input.h"

#include <algorithm>

namespace keyline::flow {
namespace {

const InputSettings* speech_settings(const Module& module) {
  switch (module.type()) {
    case ModuleType::kMenu:
      return &std::get<MenuSettings>(module.settings).input;
    case ModuleType::kDigits:
      return &std::get<DigitsSettings>(module.settings).input;
    case ModuleType::kNumber:
      return &std::get<NumberSettings>(module.settings).common.input;
    case ModuleType::kYesNo:
      return &std::get<YesNoSettings>(module.settings).common.input;
    case ModuleType::kCustomField:
      return &std::get<CustomFieldSettings>(module.settings).common.input;
    default:
      return nullptr;  // Date/Time, Dynamic Menu and Language take keys only
  }
}

}  // namespace

bool listens_for_speech(const Module& module) {
  const InputSettings* input = speech_settings(module);
  return input && input->speech;
}

Result<speech::Grammar> speech_grammar(const Module& module) {
  speech::Grammar grammar;
  switch (module.type()) {
    case ModuleType::kMenu: {
      std::vector<speech::MenuChoice> choices;
      for (const auto& option : std::get<MenuSettings>(module.settings).options) {
        if (option.phrases.empty()) continue;  // reachable by its key only
        choices.push_back({std::string(1, option.key), option.phrases});
      }
      grammar = speech::Grammar::menu(std::move(choices));
      break;
    }
    case ModuleType::kDigits: {
      // A spoken digit string is bounded (a grammar of 128 optional digits decodes slowly and
      // badly); longer entries are keyed.
      const auto& d = std::get<DigitsSettings>(module.settings);
      const int max = std::min(d.max_digits, speech::kMaxGrammarDigits);
      grammar = speech::Grammar::digits(std::min(d.min_digits, max), max);
      break;
    }
    case ModuleType::kNumber:
      grammar = speech::Grammar::number();
      break;
    case ModuleType::kYesNo:
      grammar = speech::Grammar::yes_no();
      break;
    case ModuleType::kCustomField: {
      const auto& c = std::get<CustomFieldSettings>(module.settings);
      if (!c.grammar.empty()) {
        grammar = speech::Grammar::custom(c.grammar);
      } else {
        // Each phrase is its own choice, so its value is the phrase as the app wrote it.
        std::vector<speech::MenuChoice> choices;
        for (const auto& phrase : c.phrases) choices.push_back({phrase, {phrase}});
        grammar = speech::Grammar::menu(std::move(choices));
      }
      break;
    }
    default:
      return make_error("grammar", "this module type takes keys only");
  }
  if (auto ok = speech::validate(grammar); !ok) return ok.error();
  return grammar;
}

Result<SpeechRequest> speech_request(const Module& module) {
  const InputSettings* input = speech_settings(module);
  if (!input) return make_error("grammar", "this module type takes keys only");
  auto grammar = speech_grammar(module);
  if (!grammar) return grammar.error();
  SpeechRequest request;
  request.grammar = std::move(*grammar);
  request.confidence_threshold = input->confidence;
  request.barge_in = input->barge_in;
  request.is_private = module.is_private;
  request.no_input_timeout = input->initial_timeout;
  return request;
}

std::optional<std::string> speech_entry(const Module& module, const speech::AsrHypothesis& heard) {
  switch (module.type()) {
    case ModuleType::kYesNo:
      if (heard.value == "true") return std::string("1");
      if (heard.value == "false") return std::string("2");
      return std::nullopt;
    case ModuleType::kMenu:
      if (heard.value.size() != 1) return std::nullopt;
      for (const auto& option : std::get<MenuSettings>(module.settings).options) {
        if (option.key == heard.value[0]) return heard.value;
      }
      return std::nullopt;
    case ModuleType::kDigits:
    case ModuleType::kNumber:
      if (heard.value.empty() || !std::all_of(heard.value.begin(), heard.value.end(),
                                              [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
      return heard.value;
    case ModuleType::kCustomField:
      if (heard.value.empty()) return std::nullopt;
      return heard.value;
    default:
      return std::nullopt;
  }
}

speech::AsrResult recognize_text(const speech::Grammar& grammar, std::string_view text,
                                 double confidence, double threshold) {
  speech::AsrResult result;
  const auto words = speech::split_words(text);
  if (words.empty()) return result;  // kNoInput
  for (const auto& w : words) {
    if (!result.best.words.empty()) result.best.words += ' ';
    result.best.words += w;
  }
  result.best.confidence = confidence;
  auto value = speech::interpret(grammar, result.best.words);
  if (value && confidence >= threshold) {
    result.status = speech::AsrStatus::kMatch;
    result.best.value = std::move(*value);
  } else {
    // Out of grammar, or too unsure: the words are kept only as a guess, as a recognizer does.
    result.status = speech::AsrStatus::kNoMatch;
  }
  result.nbest.push_back(result.best);
  return result;
}

}  // namespace keyline::flow
