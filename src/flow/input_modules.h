// The per-type rules of input modules, kept out of the interpreter's state machine: which keys
// a module collects, which prompts it says, and what a completed entry means (a Number's "12*5"
// is "12.5"; a Date/Time's "02302026" is no date at all). Each rule is tested on its own.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "flow/app_document.h"
#include "flow/input_collector.h"
#include "flow/value.h"

namespace keyline::flow {

struct InputView {
  std::string_view prompt;
  std::string_view noinput_prompt;
  std::string_view nomatch_prompt;
  const InputSettings* input = nullptr;
  std::string_view prompt_id;  // an id of the prompt table, or empty
};

// Requires module.is_input().
InputView input_view(const Module& module);

// One option of a Dynamic Menu, read from its options variable at run time.
struct DynamicOption {
  char key = '1';
  Value value;
  std::string prompt;  // in the session's language
};

// Reads a Dynamic Menu's options: a list of at most 10 maps {dtmf, value, prompt: {lang: text}}.
// The prompt in `language` is used, else the one in `fallback_language`, else the first.
// Errors name the problem, never a value.
Result<std::vector<DynamicOption>> read_dynamic_options(const Value& options,
                                                        std::string_view language,
                                                        std::string_view fallback_language);

// The collector for `module` (dynamic_options: the options of a Dynamic Menu).
InputCollector make_input_collector(const Module& module,
                                    const std::vector<DynamicOption>& dynamic_options);

// The module's value for a complete entry, or nullopt when the entry does not fit (a no-match).
std::optional<Value> convert_input(const Module& module, std::string_view keys,
                                   const std::vector<DynamicOption>& dynamic_options);

// Checks of Number and Date/Time entries, exposed for tests.
std::optional<std::string> convert_number(const NumberSettings& settings, std::string_view keys);
std::optional<std::string> convert_date_time(DateTimeFormat format, std::string_view keys);
int date_time_length(DateTimeFormat format);

}  // namespace keyline::flow
