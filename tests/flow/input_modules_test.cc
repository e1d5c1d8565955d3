// Number, Yes/No, Date/Time, Custom Field, Dynamic Menu and Language: the conversion rules on
// their own, then each module's exits through the real interpreter.
#include "flow/input_modules.h"

#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using std::chrono::milliseconds;
using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;
using testing::press;

AppDocument app_with(std::string_view modules) {
  const std::string json =
      R"({"name": "t", "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
  auto app = parse_app(json, "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

struct Call {
  explicit Call(std::string_view modules, Variables session = {})
      : app(app_with(modules)), interpreter(app, host, std::move(session)) {
    interpreter.start();
  }
  // Answers the current input prompt with `keys` (then lets the entry time out if needed).
  void answer(std::string_view keys) {
    finish_prompt(interpreter, host);
    press(interpreter, keys);
    if (host.timer && !interpreter.finished()) fire_timer(interpreter, host);
  }
  std::string var(std::string_view name) { return interpreter.variables().get(name).value_or("-"); }
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

// Each test's modules end with these, so the exit taken is visible as the last prompt.
constexpr std::string_view kTail = R"(,
  {"type": "prompt", "name": "ok", "text": "ok", "exits": {"next": "end"}},
  {"type": "prompt", "name": "no_input", "text": "no input", "exits": {"next": "end"}},
  {"type": "prompt", "name": "no_match", "text": "no match", "exits": {"next": "end"}},
  {"type": "exit", "name": "end"})";
constexpr std::string_view kExits =
    R"("exits": {"success": "ok", "noinput": "no_input", "nomatch": "no_match"})";

std::string with_tail(std::string module) { return module + std::string(kTail); }

TEST(ConvertNumber, DecimalsAndBounds) {
  NumberSettings s;
  s.min_decimals = 0;
  s.max_decimals = 2;
  EXPECT_EQ(convert_number(s, "12"), "12");
  EXPECT_EQ(convert_number(s, "12*5"), "12.5");
  EXPECT_EQ(convert_number(s, "007*50"), "7.50");
  EXPECT_FALSE(convert_number(s, "1*234"));
  EXPECT_FALSE(convert_number(s, "*5"));
  EXPECT_FALSE(convert_number(s, "5*"));
  EXPECT_FALSE(convert_number(s, "1*2*3"));
  s.min_decimals = 2;
  EXPECT_FALSE(convert_number(s, "5*4"));
  EXPECT_EQ(convert_number(s, "5*49"), "5.49");
  s.min_value = 1;
  s.max_value = 100;
  EXPECT_FALSE(convert_number(s, "0*99"));
  EXPECT_FALSE(convert_number(s, "100*01"));
  EXPECT_EQ(convert_number(s, "100*00"), "100.00");
}

TEST(ConvertDateTime, FormatsAndCalendar) {
  EXPECT_EQ(convert_date_time(DateTimeFormat::kMMDDYYYY, "02292024"), "2024-02-29");
  EXPECT_FALSE(convert_date_time(DateTimeFormat::kMMDDYYYY, "02292023"));  // not a leap year
  EXPECT_FALSE(convert_date_time(DateTimeFormat::kMMDDYYYY, "13012024"));
  EXPECT_FALSE(convert_date_time(DateTimeFormat::kMMDDYYYY, "04312024"));
  EXPECT_EQ(convert_date_time(DateTimeFormat::kDDMMYYYY, "31122025"), "2025-12-31");
  EXPECT_EQ(convert_date_time(DateTimeFormat::kYYYYMMDD, "19000228"), "1900-02-28");
  EXPECT_FALSE(convert_date_time(DateTimeFormat::kYYYYMMDD, "19000229"));  // 1900 was not leap
  EXPECT_EQ(convert_date_time(DateTimeFormat::kMMYY, "0829"), "2029-08");
  EXPECT_FALSE(convert_date_time(DateTimeFormat::kMMYY, "0029"));
  EXPECT_EQ(convert_date_time(DateTimeFormat::kHHMM, "2359"), "23:59");
  EXPECT_FALSE(convert_date_time(DateTimeFormat::kHHMM, "2400"));
  EXPECT_FALSE(convert_date_time(DateTimeFormat::kHHMM, "123"));
}

TEST(DynamicOptions, ReadsKeysValuesAndPromptsInTheSessionLanguage) {
  Value::Map first{{"dtmf", Value::number(1)},
                   {"value", Value::string("chocolate")},
                   {"prompt", Value::map({{"en-US", Value::string("For chocolate, press 1")},
                                          {"es-ES", Value::string("Chocolate, pulse 1")}})}};
  Value::Map second{{"dtmf", Value::string("2")}, {"value", Value::string("vanilla")}};
  const Value options = Value::list({Value::map(first), Value::map(second)});
  auto read = read_dynamic_options(options, "es-ES", "en-US");
  ASSERT_TRUE(read.ok()) << read.error().message;
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].prompt, "Chocolate, pulse 1");
  EXPECT_EQ((*read)[1].key, '2');
  EXPECT_EQ(read_dynamic_options(options, "fr-FR", "en-US")->at(0).prompt,
            "For chocolate, press 1");
  EXPECT_FALSE(read_dynamic_options(Value::string("x"), "en-US", "en-US").ok());
  Value::List eleven(11, Value::map(second));
  EXPECT_EQ(read_dynamic_options(Value::list(eleven), "en-US", "en-US").error().message,
            "a dynamic menu has at most 10 options");
  EXPECT_EQ(
      read_dynamic_options(Value::list({Value::map(second), Value::map(second)}), "en-US", "en-US")
          .error()
          .message,
      "two options share a key");
}

TEST(NumberModule, DecimalEntrySucceeds) {
  Call call(with_tail(R"({"type": "number", "name": "amount", "prompt": "Amount?",
                           "max_decimals": 2, )" +
                      std::string(kExits) + "}"));
  call.answer("12*50#");
  EXPECT_EQ(call.host.last_text(), "ok");
  EXPECT_EQ(call.var("amount"), "12.50");
  EXPECT_EQ(call.var("amount$.termchar"), "#");
  EXPECT_EQ(call.var("amount$.length"), "5");
}

TEST(NumberModule, TooManyDecimalsIsNoMatchAfterRetries) {
  Call call(with_tail(R"({"type": "number", "name": "amount", "prompt": "Amount?",
                           "nomatch_prompt": "Again.", "retries": 1, )" +
                      std::string(kExits) + "}"));
  call.answer("1*234#");
  EXPECT_EQ(call.host.last_text(), "Again. Amount?");
  call.answer("1*234#");
  EXPECT_EQ(call.host.last_text(), "no match");
  EXPECT_EQ(call.var("amount$.attempts"), "2");
}

TEST(NumberModule, SilenceIsNoInput) {
  Call call(with_tail(R"({"type": "number", "name": "n", "prompt": "N?", "retries": 0, )" +
                      std::string(kExits) + "}"));
  finish_prompt(call.interpreter, call.host);
  EXPECT_EQ(call.host.timer, milliseconds(5000));
  fire_timer(call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "no input");
}

TEST(YesNoModule, OneIsYesTwoIsNoAndOwnExitsWin) {
  const std::string module = R"({"type": "yes_no", "name": "confirm", "prompt": "Right?",
      "exits": {"success": "ok", "no": "no_match", "noinput": "no_input", "nomatch": "no_match"}})";
  Call yes(with_tail(module));
  yes.answer("1");
  EXPECT_EQ(yes.var("confirm"), "yes");
  EXPECT_EQ(yes.host.last_text(), "ok");
  Call no(with_tail(module));
  no.answer("2");
  EXPECT_EQ(no.var("confirm"), "no");
  EXPECT_EQ(no.host.last_text(), "no match");  // the "no" exit
  Call wrong(with_tail(R"({"type": "yes_no", "name": "c", "prompt": "Right?", "retries": 0, )" +
                       std::string(kExits) + "}"));
  wrong.answer("3");
  EXPECT_EQ(wrong.host.last_text(), "no match");
}

TEST(DateTimeModule, ValidDateSucceedsImpossibleDateIsNoMatch) {
  const std::string module = R"({"type": "date_time", "name": "dob", "private": true,
      "format": "MMDDYYYY", "prompt": "Date of birth?", "retries": 0, )" +
                             std::string(kExits) + "}";
  Call good(with_tail(module));
  good.answer("07041976");  // submits at 8 digits without a terminator
  EXPECT_EQ(good.host.last_text(), "ok");
  EXPECT_EQ(good.var("dob"), "1976-07-04");
  EXPECT_TRUE(good.interpreter.variables().is_private("dob"));
  EXPECT_EQ(good.interpreter.visits().front().result, "success:[private]");
  Call bad(with_tail(module));
  bad.answer("02301976");
  EXPECT_EQ(bad.host.last_text(), "no match");
}

TEST(CustomFieldModule, PatternDecides) {
  const std::string module = R"({"type": "custom_field", "name": "zip", "pattern": "[1-9]D{4}",
      "prompt": "Zip?", "retries": 0, )" +
                             std::string(kExits) + "}";
  Call good(with_tail(module));
  good.answer("02139");
  EXPECT_EQ(good.host.last_text(), "no match");  // must not start with 0
  Call ok(with_tail(module));
  ok.answer("90210");
  EXPECT_EQ(ok.host.last_text(), "ok");
  EXPECT_EQ(ok.var("zip"), "90210");
}

TEST(DynamicMenuModule, OptionsFromAVariable) {
  Call call(with_tail(R"(
    {"type": "set_variable", "name": "build", "rows": [{"name": "flavours", "expression":
      "[{dtmf: 1, value: 'chocolate', prompt: {'en-US': 'Chocolate, press 1.'}}, {dtmf: 2, value: 'vanilla', prompt: {'en-US': 'Vanilla, press 2.'}}]"}]},
    {"type": "dynamic_menu", "name": "flavour", "prompt": "Choose.",
     "options_variable": "flavours", )" +
                      std::string(kExits) + "}"));
  EXPECT_EQ(call.host.last_text(), "Choose. Chocolate, press 1. Vanilla, press 2.");
  call.answer("2");
  EXPECT_EQ(call.var("flavour"), "vanilla");
  EXPECT_EQ(call.host.last_text(), "ok");
}

TEST(DynamicMenuModule, BadOptionsTakeTheErrorExitOrEndTheCall) {
  Call call(R"({"type": "dynamic_menu", "name": "m", "options_variable": "missing"})");
  EXPECT_EQ(call.interpreter.exit_reason(),
            "error:dynamic_menu m: the options variable is not set");
  Call wired(with_tail(R"({"type": "dynamic_menu", "name": "m", "options_variable": "missing",
                            "exits": {"error": "no_match"}})"));
  EXPECT_EQ(wired.host.last_text(), "no match");
}

TEST(LanguageModule, SwitchesTheSessionLanguage) {
  Call call(with_tail(R"({"type": "language", "name": "lang", "prompt": "English 1, Espanol 2.",
                           "options": {"1": "en-US", "2": "es-ES"}, )" +
                      std::string(kExits) + "}"));
  call.answer("2");
  EXPECT_EQ(call.interpreter.language(), "es-ES");
  EXPECT_EQ(call.var("session.language"), "es-ES");
  EXPECT_EQ(call.host.plays.back().language, "es-ES");
  EXPECT_EQ(call.host.last_text(), "ok");
}

TEST(InputPattern, Grammar) {
  auto p = InputPattern::parse("4D{15}");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->min_length(), 16);
  EXPECT_TRUE(p->matches("4111111111111111"));
  EXPECT_FALSE(p->matches("5111111111111111"));
  auto optional = InputPattern::parse("D{3,4}*?");
  ASSERT_TRUE(optional.ok());
  EXPECT_TRUE(optional->matches("123"));
  EXPECT_TRUE(optional->matches("1234*"));
  EXPECT_FALSE(optional->matches("12345"));
  EXPECT_TRUE(optional->uses_star());
  EXPECT_EQ(InputPattern::parse("x").error().message,
            "at character 1: expected a digit, *, D or [ (the pattern grammar is in docs/apps.md)");
  EXPECT_EQ(InputPattern::parse("[5-1]").error().message,
            "at character 2: a range must go up, as in [1-5]");
  EXPECT_EQ(InputPattern::parse("D{200}").error().message,
            "at character 3: expected a count from 0 to 128");
  EXPECT_FALSE(InputPattern::parse("D{3").ok());
  EXPECT_FALSE(InputPattern::parse("D{0}").ok());
  EXPECT_FALSE(InputPattern::parse("D{100}D{100}").ok());
}

}  // namespace
}  // namespace keyline::flow
