// The modules that run without waiting for the caller — Set Variable, Counter, Call Log — and
// the bookkeeping of input modules (shadow variables, Dynamic Menu options). Part of
// Interpreter; kept apart so the state machine in interpreter.cc stays readable.
#include "flow/interpreter.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {

void Interpreter::run_set_variable(const Module& module) {
  const auto& settings = std::get<SetVariableSettings>(module.settings);
  for (const auto& row : settings.rows) {
    auto value = row.expression.evaluate(variables_);
    if (!value) {
      // The message names the problem ("division by zero"), never a value.
      record("error");
      if (auto it = module.exits.find("error"); it != module.exits.end()) {
        variables_.set(module.name + "$.error", row.name + ": " + value.error().message);
        go_to(it->second);
      } else {
        finish(
            "error:set_variable " + module.name + " row " + row.name + ": " + value.error().message,
            true);
      }
      return;
    }
    // A private module makes everything it sets private, whatever the operands were.
    variables_.set_value(row.name, std::move(*value), module.is_private);
  }
  record("next");
  take_exit("next");
}

void Interpreter::run_counter(const Module& module) {
  const auto& settings = std::get<CounterSettings>(module.settings);
  const Value* current_value = variables_.find(module.name);
  double count = settings.start;
  if (current_value && current_value->kind() == Value::Kind::kNumber)
    count = current_value->as_number();
  count += settings.step;
  variables_.set_value(module.name, Value::number(count), module.is_private);
  const std::string exit = count < settings.limit ? "under_limit" : "limit_reached";
  record_value(exit, format_number(count));
  take_exit(exit);
}

void Interpreter::run_call_log(const Module& module) {
  const auto& settings = std::get<CallLogSettings>(module.settings);
  // A private Call Log keeps its place in the log (the flow can still be traced) but not its
  // text, which the builder may have filled with anything.
  log_lines_.push_back(module.is_private ? std::string("[private]")
                                         : substitute_for_log(settings.text, variables_));
  record("next");
  take_exit("next");
}

bool Interpreter::prepare_dynamic_menu(const Module& module) {
  const auto& settings = std::get<DynamicMenuSettings>(module.settings);
  wipe_dynamic_options();
  const Value* options = variables_.find(settings.options_variable);
  auto read = options ? read_dynamic_options(*options, language_, app_.settings.language)
                      : Result<std::vector<DynamicOption>>(
                            make_error("dynamic_menu", "the options variable is not set"));
  if (read) {
    dynamic_options_ = std::move(*read);
    dynamic_private_ = options->is_private();
    return true;
  }
  record("error");
  if (auto it = module.exits.find("error"); it != module.exits.end()) {
    variables_.set(module.name + "$.error", read.error().message);
    go_to(it->second);
  } else {
    finish("error:dynamic_menu " + module.name + ": " + read.error().message, true);
  }
  return false;
}

// Option prompts may come from a private variable; values wipe themselves, texts are wiped here.
void Interpreter::wipe_dynamic_options() {
  for (auto& option : dynamic_options_) secure_wipe(option.prompt);
  dynamic_options_.clear();
}

// Shadow variables: how the entry was made. A private module keeps only what says nothing
// about the value — its length, the input mode and the attempts — never the terminator, the
// words heard or how sure the recognizer was.
void Interpreter::set_input_shadows(const Module& module, std::size_t length, char termchar,
                                    const speech::AsrHypothesis* heard) {
  variables_.set(module.name + "$.inputmode", heard ? "voice" : "dtmf");
  variables_.set_value(module.name + "$.attempts", Value::number(failures_ + 1));
  variables_.set_value(module.name + "$.length", Value::number(static_cast<double>(length)));
  if (module.is_private) return;
  variables_.set_value(module.name + "$.confidence", Value::number(heard ? heard->confidence : 1));
  if (heard) {
    variables_.set(module.name + "$.utterance", heard->words);
    variables_.set(module.name + "$.termchar", "");
    return;
  }
  const ModuleType t = module.type();
  const bool is_menu = t == ModuleType::kMenu || t == ModuleType::kYesNo ||
                       t == ModuleType::kDynamicMenu || t == ModuleType::kLanguage;
  if (is_menu) return;
  variables_.set(module.name + "$.termchar", termchar ? std::string(1, termchar) : "");
}

}  // namespace keyline::flow
