#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "flow/app_document.h"

namespace keyline::flow {
namespace {

const std::string kDemoPath = KEYLINE_SOURCE_DIR "/examples/apps/demo.json";

// The error text of a document that must not parse.
std::string errors_of(std::string_view json) {
  auto result = parse_app(json, "t.json");
  if (result.ok()) return "(parsed)";
  EXPECT_EQ(result.error().kind, "app");
  return result.error().message;
}

// A one-page app around the given module list (the modules start on line 3).
std::string app_with_modules(std::string_view modules) {
  return std::string("{\"name\": \"t\", \"pages\": [\n{\"name\": \"main\", \"modules\": [\n") +
         std::string(modules) + "\n]}]}";
}

TEST(ParseApp, DemoFileParses) {
  auto app = load_app(kDemoPath);
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->name, "demo");
  EXPECT_EQ(app->start_page, "main");
  ASSERT_EQ(app->pages.size(), 4u);
  const Page& main = app->pages[0];
  ASSERT_EQ(main.modules.size(), 2u);
  EXPECT_EQ(main.modules[0].type(), ModuleType::kPrompt);
  const Module& menu = main.modules[1];
  EXPECT_EQ(menu.type(), ModuleType::kMenu);
  const auto& settings = std::get<MenuSettings>(menu.settings);
  ASSERT_EQ(settings.options.size(), 2u);
  EXPECT_EQ(settings.options[0].key, '1');
  EXPECT_EQ(settings.options[0].target.page, "balance");
  EXPECT_EQ(settings.options[0].target.module, "account");  // page target -> its first module
  EXPECT_EQ(settings.input.retries, 2);

  const Module& account = app->pages[1].modules[0];
  ASSERT_EQ(account.type(), ModuleType::kDigits);
  const auto& digits = std::get<DigitsSettings>(account.settings);
  EXPECT_EQ(digits.min_digits, 4);
  EXPECT_EQ(digits.max_digits, 10);
  EXPECT_EQ(digits.terminator, '#');
  EXPECT_EQ(account.pos.line, 44);
  EXPECT_EQ(account.pos.column, 9);
}

TEST(ParseApp, DefaultsAndOverrides) {
  auto app = parse_app(app_with_modules(R"(
    {"type": "prompt", "name": "p", "text": "hi"},
    {"type": "digits", "name": "d", "prompt": "enter", "retries": 0, "inter_digit_timeout_ms": 1500}
  )"),
                       "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_EQ(app->settings.language, "en-US");
  EXPECT_EQ(app->start_page, "main");
  const auto& prompt = std::get<PromptSettings>(app->pages[0].modules[0].settings);
  EXPECT_TRUE(prompt.barge_in);
  const auto& d = std::get<DigitsSettings>(app->pages[0].modules[1].settings);
  EXPECT_EQ(d.input.initial_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(d.input.inter_digit_timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(d.input.retries, 0);
  EXPECT_TRUE(d.input.barge_in);
  EXPECT_EQ(d.terminator, '#');
  EXPECT_EQ(d.min_digits, 1);
}

TEST(ParseApp, AppSettingsBecomeModuleDefaults) {
  auto app = parse_app(R"({"name": "t", "settings": {"input": {"retries": 5, "barge_in": false}},
    "pages": [{"name": "p", "modules": [{"type": "menu", "name": "m", "prompt": "x",
    "options": {"1": "m"}}]}]})",
                       "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  const auto& menu = std::get<MenuSettings>(app->pages[0].modules[0].settings);
  EXPECT_EQ(menu.input.retries, 5);
  EXPECT_FALSE(menu.input.barge_in);
}

TEST(ParseApp, MissingCommaPointsAtTheNextKey) {
  EXPECT_EQ(errors_of("{\n  \"name\": \"t\"\n  \"pages\": []\n}"),
            "t.json:3:3: expected ',' or '}'");
}

TEST(ParseApp, TrailingCommaIsASyntaxError) {
  EXPECT_EQ(errors_of("{\n  \"name\": \"t\",\n}"), "t.json:3:1: trailing comma before '}'");
}

TEST(ParseApp, UnterminatedStringPointsAtItsQuote) {
  EXPECT_EQ(errors_of("{\n  \"name\": \"t,\n  \"pages\": []\n}"),
            "t.json:2:11: unterminated string");
}

TEST(ParseApp, BareWordIsASyntaxError) {
  EXPECT_EQ(errors_of("{\"name\": hello}"),
            "t.json:1:10: unexpected character; expected a value (a \"string\", number, true, "
            "false, null, object or array)");
}

TEST(ParseApp, EmptyDocument) { EXPECT_EQ(errors_of("  \n"), "t.json:2:1: the document is empty"); }

TEST(ParseApp, UnknownModuleTypePointsAtTheType) {
  EXPECT_EQ(errors_of(app_with_modules(R"(  {"type": "promt", "name": "p", "text": "hi"})")),
            "t.json:3:12: unknown module type 'promt' (known types: prompt, menu, digits, "
            "compare_variable, goto_page, exit, set_variable, counter, call_log, label, number, "
            "yes_no, date_time, custom_field, dynamic_menu, language, rest, evaluate_js, record, "
            "transfer, email, soap, sms, goto_app, subdialog, name, address, assistant, call_recording)");
}

TEST(ParseApp, GotoUnknownPagePointsAtTheTarget) {
  EXPECT_EQ(errors_of(app_with_modules(R"({"type": "goto_page", "name": "g", "page": "nowhere"})")),
            "t.json:3:44: there is no page 'nowhere'");
}

TEST(ParseApp, ExitToUnknownPagePointsAtTheTarget) {
  EXPECT_EQ(
      errors_of(app_with_modules(
          R"({"type": "prompt", "name": "p", "text": "hi", "exits": {"next": {"page": "x"}}})")),
      "t.json:3:65: there is no page 'x'");
}

TEST(ParseApp, UnknownKeyPointsAtTheKey) {
  EXPECT_EQ(
      errors_of(app_with_modules(R"({"type": "prompt", "name": "p", "txt": "hi", "text": "x"})")),
      "t.json:3:33: unknown key 'txt' in prompt module (known keys: type, name, private, "
      "comment, prompt_id, text, barge_in, exclude_from_cache, exits)");
}

TEST(ParseApp, ReportsEveryProblemInDocumentOrder) {
  const std::string errors =
      errors_of(app_with_modules(R"({"type": "prompt", "name": "p", "text": "hi"},
{"type": "digits", "name": "p", "prompt": "x", "min_digits": 5, "max_digits": 3},
{"type": "menu", "name": "m", "prompt": "x", "options": {"12": "p", "1": "nope"}},
{"type": "exit"})"));
  EXPECT_EQ(errors,
            "t.json:4:1: duplicate module name 'p' (module names are variable names and must be "
            "unique in the app)\n"
            "t.json:4:62: 'min_digits' (5) is greater than 'max_digits' (3)\n"
            "t.json:5:58: menu option '12' is not a phone key: use one of 0-9, *, #, A-D\n"
            "t.json:5:74: there is no module 'nope' on page 'main'\n"
            "t.json:6:1: exit module is missing the required key 'name'");
}

TEST(ParseApp, ModuleOnAnotherPageNeedsAPageTarget) {
  const std::string json = R"({"name": "t", "pages": [
{"name": "a", "modules": [{"type": "prompt", "name": "p", "text": "x", "exits": {"next": "q"}}]},
{"name": "b", "modules": [{"type": "exit", "name": "q"}]}]})";
  EXPECT_EQ(errors_of(json),
            "t.json:2:90: module 'q' is on page 'b'; write {\"page\": \"b\", \"module\": \"q\"}");
  EXPECT_TRUE(parse_app(R"({"name": "t", "pages": [
{"name": "a", "modules": [{"type": "prompt", "name": "p", "text": "x",
  "exits": {"next": {"page": "b", "module": "q"}}}]},
{"name": "b", "modules": [{"type": "exit", "name": "q"}]}]})",
                        "t.json")
                  .ok());
}

TEST(ParseApp, TypeAndRangeProblems) {
  const std::string errors = errors_of(app_with_modules(
      R"({"type": "digits", "name": "d", "prompt": "x", "retries": "2", "barge_in": 1, "terminator": "5"},
{"type": "prompt", "name": "p", "text": "Hi {{name|upper}}"},
{"type": "compare_variable", "name": "c", "conditions": [{"variable": "d", "operator": "~", "value": 1, "goto": "p"}]})"));
  EXPECT_NE(errors.find("t.json:3:59: 'retries' must be a whole number from 0 to 10"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("t.json:3:76: 'barge_in' must be true or false"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("t.json:3:93: 'terminator' must be one of *, #, A-D"), std::string::npos)
      << errors;
  EXPECT_NE(errors.find("t.json:4:41: 'text': unknown filter 'upper' (known: digits)"),
            std::string::npos)
      << errors;
  EXPECT_NE(errors.find("t.json:5:88: unknown operator '~'"), std::string::npos) << errors;
}

TEST(ParseApp, StartPageMustExist) {
  EXPECT_EQ(errors_of(R"({"name": "t", "start_page": "x",
  "pages": [{"name": "p", "modules": [{"type": "exit", "name": "e"}]}]})"),
            "t.json:1:29: 'start_page' 'x' is not a page");
}

TEST(ParseApp, TopLevelMustBeAnObject) {
  EXPECT_EQ(errors_of("[1, 2]"), "t.json:1:1: the app must be an object { ... }");
}

TEST(ParseApp, DuplicateKeyIsReported) {
  EXPECT_EQ(errors_of(R"({"name": "t", "name": "u",
  "pages": [{"name": "p", "modules": [{"type": "exit", "name": "e"}]}]})"),
            "t.json:1:15: duplicate key 'name' in the app");
}

// Untrusted input must never crash the loader or throw: every cut-off version of the demo is
// an error with a position.
TEST(ParseApp, EveryTruncationOfTheDemoIsAnErrorNotACrash) {
  std::ifstream file(kDemoPath);
  const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  ASSERT_GT(text.size(), 1000u);
  const std::string trimmed(text.substr(0, text.find_last_not_of(" \n") + 1));
  for (std::size_t n = 0; n < trimmed.size(); ++n) {
    auto result = parse_app(std::string_view(trimmed).substr(0, n), "t.json");
    ASSERT_FALSE(result.ok()) << "prefix of " << n << " bytes parsed";
    ASSERT_EQ(result.error().message.rfind("t.json:", 0), 0u) << result.error().message;
  }
  EXPECT_TRUE(parse_app(trimmed, "t.json").ok());
}

TEST(LoadApp, UnreadableFileIsAnError) {
  auto result = load_app("/nonexistent/keyline/app.json");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, "app");
  EXPECT_NE(result.error().message.find("/nonexistent/keyline/app.json"), std::string::npos);
}

TEST(LoadApp, ErrorsNameTheFile) {
  auto result = load_app(KEYLINE_SOURCE_DIR "/examples/apps");
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("is a directory"), std::string::npos);
}

}  // namespace
}  // namespace keyline::flow
