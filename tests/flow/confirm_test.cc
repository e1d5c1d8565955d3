// The confirmation step of input modules ("confirm"): the loader's rules (private entries are
// never read back whole) and the 1 / 2 / silence paths through the interpreter.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;
using testing::press;

std::string app_json(std::string_view module) {
  return R"({"name": "t", "pages": [{"name": "p", "modules": [)" + std::string(module) + R"(,
      {"type": "prompt", "name": "ok", "text": "ok {{entry}}", "exits": {"next": "end"}},
      {"type": "prompt", "name": "no_input", "text": "no input", "exits": {"next": "end"}},
      {"type": "prompt", "name": "no_match", "text": "no match", "exits": {"next": "end"}},
      {"type": "exit", "name": "end"}]}]})";
}

constexpr std::string_view kExits =
    R"("exits": {"success": "ok", "noinput": "no_input", "nomatch": "no_match"})";

std::string digits(std::string_view extra) {
  return R"({"type": "digits", "name": "entry", "prompt": "Enter it.", "retries": 1, )" +
         std::string(extra) + ", " + std::string(kExits) + "}";
}

std::string parse_errors(std::string_view module) {
  auto app = parse_app(app_json(module), "t.json");
  return app.ok() ? "" : app.error().message;
}

struct Call {
  explicit Call(std::string_view module) {
    auto parsed = parse_app(app_json(module), "t.json");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    if (parsed.ok()) app = std::move(parsed).value();
    interpreter = std::make_unique<Interpreter>(app, host, Variables{});
    interpreter->start();
  }
  void answer(std::string_view keys) {
    finish_prompt(*interpreter, host);
    press(*interpreter, keys);
  }
  std::string var(std::string_view name) {
    return interpreter->variables().get(name).value_or("-");
  }
  AppDocument app;
  FakeFlowHost host;
  std::unique_ptr<Interpreter> interpreter;
};

TEST(ConfirmParse, DefaultsAndRules) {
  auto app = parse_app(app_json(digits(R"("confirm": true)")), "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  const ConfirmSettings& c = app->pages[0].modules[0].confirm;
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.attempts, 2);
  EXPECT_NE(c.prompt.find("{value}"), std::string::npos);

  EXPECT_NE(parse_errors(R"({"type": "menu", "name": "m", "prompt": "?", "options": {"1": "ok"},
                             "confirm": true})")
                .find("not for a menu"),
            std::string::npos);
  EXPECT_NE(parse_errors(R"({"type": "prompt", "name": "x", "text": "x", "confirm": true})")
                .find("confirm"),
            std::string::npos);  // an unknown key on a prompt
  EXPECT_NE(parse_errors(digits(R"("confirm": {"attempts": 9})")).find("'attempts' must be"),
            std::string::npos);
  EXPECT_NE(parse_errors(digits(R"("confirm": {"read_back": "loud"})")).find("'read_back'"),
            std::string::npos);
  EXPECT_NE(parse_errors(digits(R"("confirm": {"read_back": "none", "prompt": "Is {value} ok?"})"))
                .find("says {value}"),
            std::string::npos);
}

TEST(ConfirmParse, APrivateEntryIsNeverReadBackWhole) {
  EXPECT_NE(parse_errors(digits(R"("private": true, "confirm": true)")).find("needs \"read_back\""),
            std::string::npos);
  EXPECT_NE(parse_errors(digits(R"("private": true, "confirm": {"read_back": "full"})"))
                .find("cannot read its entry back in full"),
            std::string::npos);
  EXPECT_EQ(parse_errors(digits(R"("private": true, "confirm": {"read_back": "masked"})")), "");
  EXPECT_EQ(parse_errors(digits(R"("private": true, "confirm": {"read_back": "none"})")), "");
}

TEST(Confirm, OneKeepsTheEntry) {
  Call call(digits(R"("confirm": true)"));
  call.answer("1234#");
  EXPECT_EQ(call.host.last_text(),
            "You entered 1 2 3 4. Press 1 if that is right, or 2 to enter it again.");
  EXPECT_EQ(call.var("entry"), "-");  // not yet: only a confirmed entry is stored
  call.answer("1");
  EXPECT_EQ(call.host.last_text(), "ok 1234");
  EXPECT_EQ(call.var("entry$.termchar"), "#");
}

TEST(Confirm, TwoAsksAgainWithoutCountingAFailure) {
  Call call(digits(R"("confirm": {"prompt": "Was that {value}?"})"));
  call.answer("1234#");
  EXPECT_EQ(call.host.last_text(), "Was that 1 2 3 4?");
  call.answer("2");
  EXPECT_EQ(call.host.last_text(), "Enter it.");
  call.answer("5678#");
  EXPECT_EQ(call.host.last_text(), "Was that 5 6 7 8?");
  call.answer("1");
  EXPECT_EQ(call.host.last_text(), "ok 5678");
  EXPECT_EQ(call.var("entry$.attempts"), "1");
  bool corrected = false;
  for (const auto& v : call.interpreter->visits())
    corrected = corrected || v.result == "confirm:no";
  EXPECT_TRUE(corrected);
}

TEST(Confirm, TheCallerMayAnswerOverTheReadBack) {
  Call call(digits(R"("confirm": true)"));
  call.answer("42#");
  ASSERT_TRUE(call.host.playing);
  press(*call.interpreter, "1");
  EXPECT_EQ(call.host.stops, 1);
  EXPECT_EQ(call.host.last_text(), "ok 42");
}

TEST(Confirm, SilenceAsksAgainThenIsTheModulesNoInput) {
  Call call(digits(R"("confirm": {"attempts": 2})"));
  call.answer("1234#");
  const std::string question = call.host.last_text();
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(call.host.timer, std::chrono::milliseconds(5000));
  fire_timer(*call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), question);  // asked a second time
  finish_prompt(*call.interpreter, call.host);
  fire_timer(*call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "Enter it.");  // the module's own re-prompt (retries: 1)
  call.answer("99#");
  finish_prompt(*call.interpreter, call.host);
  fire_timer(*call.interpreter, call.host);
  finish_prompt(*call.interpreter, call.host);
  fire_timer(*call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "no input");
  EXPECT_EQ(call.var("entry"), "-");
}

TEST(Confirm, AnotherKeyIsANoMatch) {
  Call call(digits(R"("confirm": {"attempts": 1}, "nomatch_prompt": "Hm.")"));
  call.answer("1234#");
  call.answer("7");
  EXPECT_EQ(call.host.last_text(), "Hm. Enter it.");
  call.answer("1#");
  call.answer("*");
  EXPECT_EQ(call.host.last_text(), "no match");
}

TEST(Confirm, APrivateEntryIsReadBackMaskedAndNeverLogged) {
  Call call(R"({"type": "digits", "name": "entry", "prompt": "Card?", "private": true,
                "min_digits": 16, "max_digits": 16, "confirm": {"read_back": "masked"}, )" +
            std::string(kExits) + "}");
  call.answer("4111111111114444");
  const PlayRequest& question = call.host.plays.back();
  EXPECT_NE(question.text.find("16 digits ending in 4 4 4 4"), std::string::npos) << question.text;
  EXPECT_EQ(question.text.find("411111"), std::string::npos);
  EXPECT_TRUE(question.contains_private);  // never cached, never logged
  // The recording pauses while the private entry is read back and confirmed.
  ASSERT_FALSE(call.host.private_changes.empty());
  EXPECT_TRUE(call.host.private_changes.back());
  call.answer("1");
  EXPECT_EQ(call.interpreter->variables().is_private("entry"), true);
  EXPECT_FALSE(call.host.private_changes.back());
  for (const auto& v : call.interpreter->visits())
    EXPECT_EQ(v.result.find("4444"), std::string::npos) << v.result;
}

TEST(Confirm, AShortPrivateEntryGivesOnlyItsLength) {
  Call call(R"({"type": "digits", "name": "entry", "prompt": "PIN?", "private": true,
                "confirm": {"read_back": "masked", "prompt": "You entered {value}."}, )" +
            std::string(kExits) + "}");
  call.answer("2468#");
  EXPECT_EQ(call.host.last_text(), "You entered 4 digits.");
}

TEST(Confirm, HangupDuringTheReadBackWipesTheEntry) {
  Call call(digits(R"("confirm": true)"));
  call.answer("1234#");
  call.interpreter->on_hangup();
  EXPECT_EQ(call.interpreter->exit_reason(), "caller_hangup");
  EXPECT_EQ(call.host.stops, 1);
  EXPECT_EQ(call.var("entry"), "-");
}

}  // namespace
}  // namespace keyline::flow
