// AppDocument: a call-flow application as written by an app builder (docs/apps.md), already
// checked — every exit target names a page/module that exists, every number is in range, and
// app-wide input defaults are folded into each module, so the interpreter never re-validates.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.h"

namespace keyline::flow {

// Where something was written in the source document (1-based; 0 = unknown).
struct SourcePos {
  int line = 0;
  int column = 0;
};

// Timeouts, retries and barge-in for input modules. App settings give the defaults; an input
// module may override any of them.
struct InputSettings {
  std::chrono::milliseconds initial_timeout{5000};
  std::chrono::milliseconds inter_digit_timeout{3000};
  int retries = 2;  // re-prompts after a no-input / no-match before taking that exit
  bool barge_in = true;
};

struct AppSettings {
  std::string language = "en-US";
  std::string voice = "kal";
  InputSettings input;
};

// Where an exit leads. Both fields are filled after parsing: a bare module name in the document
// means "this module on the same page"; {"page": P} means "the first module of page P".
struct Target {
  std::string page;
  std::string module;
  SourcePos pos;
};

struct PromptSettings {
  std::string text;
  bool barge_in = true;
};

struct MenuOption {
  char key = '0';  // '0'-'9', '*', '#', 'A'-'D'
  Target target;
};

struct MenuSettings {
  std::string prompt;
  std::string noinput_prompt;  // said before the prompt on a re-prompt after silence (optional)
  std::string nomatch_prompt;  // said before the prompt on a re-prompt after a wrong key (optional)
  std::vector<MenuOption> options;
  InputSettings input;
};

struct DigitsSettings {
  std::string prompt;
  std::string noinput_prompt;
  std::string nomatch_prompt;
  int min_digits = 1;
  int max_digits = 128;
  char terminator = '#';
  InputSettings input;
};

enum class CompareOp { kEqual, kNotEqual, kGreater, kLess, kGreaterEqual, kLessEqual };
enum class CompareType { kString, kNumber };

struct CompareRow {
  // The left side is either a variable name or a text with {{var}} placeholders.
  std::string variable;
  std::string expression;
  CompareOp op = CompareOp::kEqual;
  std::string value;  // the right side; may contain {{var}} placeholders
  Target target;
};

struct CompareSettings {
  CompareType compare_as = CompareType::kString;
  std::vector<CompareRow> rows;
};

struct GoToPageSettings {
  Target target;  // module is the page's first module
};

struct ExitSettings {};

enum class ModuleType { kPrompt, kMenu, kDigits, kCompareVariable, kGoToPage, kExit };

// The spelling used in documents ("prompt", "menu", "digits", "compare_variable",
// "goto_page", "exit").
std::string_view module_type_name(ModuleType type);

struct Module {
  std::string name;  // also the name of the variable the module stores its result in
  bool is_private = false;
  SourcePos pos;
  // Order matches ModuleType.
  std::variant<PromptSettings, MenuSettings, DigitsSettings, CompareSettings, GoToPageSettings,
               ExitSettings>
      settings;
  // Named exits ("next", "success", "noinput", "nomatch") wired to a target. An exit that is
  // not wired falls through to the next module on the page.
  std::map<std::string, Target> exits;

  ModuleType type() const { return static_cast<ModuleType>(settings.index()); }
};

struct Page {
  std::string name;
  SourcePos pos;
  std::vector<Module> modules;
};

struct AppDocument {
  std::string name;
  std::string file_name;
  AppSettings settings;
  std::string start_page;  // defaults to the first page
  std::vector<Page> pages;

  const Page* find_page(std::string_view page_name) const;
};

// Parses and checks an app document. On failure: Error{kind="app"} whose message holds one line
// per problem found, each "file:line:col: message".
Result<AppDocument> parse_app(std::string_view json_text, std::string_view file_name);

// Reads the file at `path`, then parse_app.
Result<AppDocument> load_app(const std::string& path);

}  // namespace keyline::flow
