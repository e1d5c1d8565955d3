// Global error handling (settings.errors): the loader's checks, and what the interpreter does
// when an input module's re-prompts are used up and its noinput/nomatch exit is not wired.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_analysis.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;
using testing::press;

std::string app_json(std::string_view errors, std::string_view digits_extra = "") {
  return R"({"name": "t", "settings": {"input": {"retries": 1}, "errors": )" + std::string(errors) +
         R"(},
    "pages": [
      {"name": "main", "modules": [
        {"type": "digits", "name": "account", "prompt": "Account?", "min_digits": 4, "max_digits": 4)" +
         std::string(digits_extra) + R"(},
        {"type": "prompt", "name": "thanks", "text": "Thanks."},
        {"type": "exit", "name": "bye"}]},
      {"name": "help", "modules": [
        {"type": "prompt", "name": "help_text", "text": "Let me help."},
        {"type": "prompt", "name": "agent", "text": "An agent will take your call."},
        {"type": "exit", "name": "help_end"}]}]})";
}

std::string parse_errors(const std::string& json) {
  auto app = parse_app(json, "t.json");
  return app.ok() ? "" : app.error().message;
}

struct Call {
  explicit Call(const std::string& json) {
    auto parsed = parse_app(json, "t.json");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    if (parsed.ok()) app = std::move(parsed).value();
    interpreter = std::make_unique<Interpreter>(app, host, Variables{});
    interpreter->start();
  }
  // The caller says nothing to the current input prompt.
  void silence() {
    finish_prompt(*interpreter, host);
    fire_timer(*interpreter, host);
  }
  AppDocument app;
  FakeFlowHost host;
  std::unique_ptr<Interpreter> interpreter;
};

TEST(ErrorPolicyParse, AcceptsEachActionAndResolvesTargets) {
  auto hangup = parse_app(app_json(R"({"action": "hangup", "prompt": "Goodbye."})"), "t.json");
  ASSERT_TRUE(hangup.ok()) << hangup.error().message;
  EXPECT_TRUE(hangup->settings.errors.given);
  EXPECT_EQ(hangup->settings.errors.prompt, "Goodbye.");

  auto go = parse_app(app_json(R"({"action": "goto", "target": {"page": "help"}})"), "t.json");
  ASSERT_TRUE(go.ok()) << go.error().message;
  EXPECT_EQ(go->settings.errors.target_page, "help");
  EXPECT_EQ(go->settings.errors.target_module, "help_text");  // the page's first module

  // A bare module name finds its page: module names are unique in the app.
  auto transfer = parse_app(app_json(R"({"action": "transfer", "target": "agent"})"), "t.json");
  ASSERT_TRUE(transfer.ok()) << transfer.error().message;
  EXPECT_EQ(transfer->settings.errors.action, ErrorPolicy::Action::kTransfer);
  EXPECT_EQ(transfer->settings.errors.target_page, "help");
  EXPECT_EQ(transfer->settings.errors.target_module, "agent");
}

TEST(ErrorPolicyParse, ReportsEveryBadPolicy) {
  EXPECT_NE(parse_errors(app_json(R"({"action": "explode"})")).find("'action' must be"),
            std::string::npos);
  EXPECT_NE(parse_errors(app_json(R"({"action": "goto"})")).find("needs a 'target'"),
            std::string::npos);
  EXPECT_NE(parse_errors(app_json(R"({"action": "hangup", "target": "agent"})"))
                .find("takes no 'target'"),
            std::string::npos);
  EXPECT_NE(parse_errors(app_json(R"({"action": "goto", "target": {"page": "nowhere"}})"))
                .find("there is no page 'nowhere'"),
            std::string::npos);
  EXPECT_NE(parse_errors(app_json(R"({"action": "goto", "target": "ghost"})"))
                .find("there is no module 'ghost'"),
            std::string::npos);
  EXPECT_NE(parse_errors(app_json(R"({"action": "transfer", "target": {"page": "help"}})"))
                .find("the name of the module that transfers"),
            std::string::npos);
  EXPECT_NE(parse_errors(app_json(R"({"action": "hangup", "promt": "x"})")).find("promt"),
            std::string::npos);
  // Every problem at once, each with its position.
  const std::string both = parse_errors(app_json(R"({"action": "goto", "target": "ghost",
                                                     "prompt": "{{unclosed"})"));
  EXPECT_NE(both.find("t.json:1:"), std::string::npos) << both;
  EXPECT_NE(both.find("ghost"), std::string::npos) << both;
  EXPECT_NE(both.find("prompt"), std::string::npos) << both;
}

TEST(ErrorPolicy, WithoutAPolicyTheCallHangsUpAsBefore) {
  Call call(R"({"name": "t", "settings": {"input": {"retries": 1}}, "pages": [{"name": "p",
      "modules": [{"type": "digits", "name": "d", "prompt": "Digits?"}]}]})");
  call.silence();
  call.silence();
  EXPECT_TRUE(call.interpreter->finished());
  EXPECT_EQ(call.interpreter->exit_reason(), "max_retries");
  EXPECT_TRUE(call.host.hung_up);
}

TEST(ErrorPolicy, HangupSaysGoodbyeFirst) {
  Call call(app_json(R"({"action": "hangup", "prompt": "Sorry, goodbye."})"));
  call.silence();  // the first try
  EXPECT_EQ(call.host.last_text(), "Account?");
  call.silence();  // the one re-prompt (retries: 1)
  EXPECT_EQ(call.host.last_text(), "Sorry, goodbye.");
  EXPECT_FALSE(call.interpreter->finished());
  EXPECT_FALSE(call.host.plays.back().barge_in);
  press(*call.interpreter, "1");  // not an answer to anything: ignored
  EXPECT_EQ(call.host.stops, 0);
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(call.interpreter->exit_reason(), "max_retries");
  EXPECT_TRUE(call.host.hung_up);
  bool logged = false;
  for (const auto& v : call.interpreter->visits())
    logged = logged || (v.type == "errors" && v.result == "noinput hangup");
  EXPECT_TRUE(logged);
}

TEST(ErrorPolicy, GotoSendsTheCallToThePage) {
  Call call(app_json(R"({"action": "goto", "target": {"page": "help"}})"));
  call.silence();
  finish_prompt(*call.interpreter, call.host);
  press(*call.interpreter, "12#");  // too few digits: a no-match
  EXPECT_EQ(call.host.last_text(), "Let me help.");
  EXPECT_FALSE(call.interpreter->finished());
  EXPECT_EQ(call.interpreter->variables().get("account$.attempts"), "2");
  const auto& visits = call.interpreter->visits();
  ASSERT_GE(visits.size(), 2u);
  EXPECT_EQ(visits[visits.size() - 2].result, "nomatch");
  EXPECT_EQ(visits.back().result, "nomatch goto:help/help_text");
}

TEST(ErrorPolicy, TransferGoesToTheNamedModuleAfterItsPrompt) {
  Call call(app_json(R"({"action": "transfer", "target": "agent",
                         "prompt": "Let me find someone."})"));
  call.silence();
  call.silence();
  EXPECT_EQ(call.host.last_text(), "Let me find someone.");
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "An agent will take your call.");
}

TEST(ErrorPolicy, AWiredExitWinsOverThePolicy) {
  Call call(app_json(R"({"action": "goto", "target": {"page": "help"}})",
                     R"(, "exits": {"noinput": "bye"})"));
  call.silence();
  call.silence();
  EXPECT_EQ(call.interpreter->exit_reason(), "exit_module");  // noinput -> bye
  Call nomatch(app_json(R"({"action": "goto", "target": {"page": "help"}})",
                        R"(, "exits": {"noinput": "bye"})"));
  for (int i = 0; i < 2; ++i) {
    finish_prompt(*nomatch.interpreter, nomatch.host);
    press(*nomatch.interpreter, "12#");
  }
  EXPECT_EQ(nomatch.host.last_text(), "Let me help.");  // nomatch is not wired: the policy
}

TEST(ErrorPolicy, HangupDuringTheGoodbyeIsTheCallersHangup) {
  Call call(app_json(R"({"action": "hangup", "prompt": "Goodbye."})"));
  call.silence();
  call.silence();
  call.interpreter->on_hangup();
  EXPECT_EQ(call.interpreter->exit_reason(), "caller_hangup");
  EXPECT_EQ(call.host.stops, 1);
  EXPECT_FALSE(call.host.hung_up);
}

TEST(ErrorPolicyAnalysis, APageReachedOnlyByThePolicyIsReachable) {
  auto with_policy =
      parse_app(app_json(R"({"action": "goto", "target": {"page": "help"}})"), "t.json");
  ASSERT_TRUE(with_policy.ok());
  for (const auto& p : analyze_app(*with_policy))
    EXPECT_EQ(p.message.find("never be reached"), std::string::npos) << p.message;
  auto without = parse_app(app_json(R"({"action": "hangup"})"), "t.json");
  ASSERT_TRUE(without.ok());
  bool unreachable = false;
  for (const auto& p : analyze_app(*without))
    unreachable = unreachable || p.message.find("'help_text'") != std::string::npos;
  EXPECT_TRUE(unreachable);
}

}  // namespace
}  // namespace keyline::flow
