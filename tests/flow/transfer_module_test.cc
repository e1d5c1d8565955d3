// The Transfer module through the real interpreter (every exit, the variables it sets, the
// hang-up during a transfer), the validator's checks (targets, headers, exits for the mode,
// private values in signalling) and the scenario steps that answer a transfer.
#include <gtest/gtest.h>

#include <sstream>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"
#include "flow/privacy_audit.h"
#include "flow/scenario.h"
#include "flow/simulator.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;

std::string app_json(std::string_view modules, std::string_view variables = "{}") {
  return R"({"name": "t", "variables": )" + std::string(variables) +
         R"(, "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
}

AppDocument app_with(std::string_view modules, std::string_view variables = "{}") {
  auto app = parse_app(app_json(modules, variables), "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

std::string problems(std::string_view modules, std::string_view variables = "{}") {
  auto app = parse_app(app_json(modules, variables), "t.json");
  return app.ok() ? std::string() : app.error().message;
}

struct Call {
  explicit Call(std::string_view modules, std::string_view variables = "{}")
      : app(app_with(modules, variables)), interpreter(app, host, {}) {}
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

constexpr std::string_view kBridged = R"(
  {"type": "transfer", "name": "agent", "mode": "bridged", "prompt": "Connecting you",
   "target": "sip:{{queue}}@pbx.example.com", "caller_id": "+1 (555) 000-1111",
   "headers": {"X-Account": "{{queue}}-7", "User-to-User": "04a1"}, "dtmf": "12#",
   "timeout_ms": 20000, "max_duration_s": 600,
   "exits": {"noanswer": "sorry", "busy": "sorry", "error": "failed"}},
  {"type": "prompt", "name": "back", "text": "Back after {{agent$.duration}} s: {{agent}}"},
  {"type": "exit", "name": "bye"},
  {"type": "prompt", "name": "sorry", "text": "Nobody took it: {{agent}} {{agent$.status}}"},
  {"type": "exit", "name": "bye2"},
  {"type": "prompt", "name": "failed", "text": "Transfer failed"})";

constexpr std::string_view kQueue = R"({"queue": "sales"})";

TEST(TransferModule, BridgedRequestCarriesSubstitutedSettings) {
  Call call(kBridged, kQueue);
  call.interpreter.start();
  EXPECT_EQ(call.host.last_text(), "Connecting you");
  EXPECT_FALSE(call.host.plays.back().barge_in);
  call.interpreter.on_digit('5');  // not an answer, and no transfer yet
  EXPECT_TRUE(call.host.transfers.empty());
  finish_prompt(call.interpreter, call.host);
  ASSERT_EQ(call.host.transfers.size(), 1u);
  const TransferRequest& r = call.host.transfers.front();
  EXPECT_EQ(r.module, "agent");
  EXPECT_EQ(r.mode, TransferMode::kBridged);
  EXPECT_EQ(r.target, "sip:sales@pbx.example.com");
  EXPECT_EQ(r.caller_id, "+15550001111");
  ASSERT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"X-Account", "sales-7"}));
  EXPECT_EQ(r.headers[1], (std::pair<std::string, std::string>{"User-to-User", "04a1"}));
  EXPECT_EQ(r.dtmf, "12#");
  EXPECT_EQ(r.timeout, std::chrono::milliseconds(20000));
  EXPECT_EQ(r.max_duration, std::chrono::seconds(600));
}

TEST(TransferModule, FarEndDisconnectComesBackToTheFlow) {
  Call call(kBridged, kQueue);
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  TransferResult r;
  r.outcome = TransferResult::Outcome::kFarEndDisconnect;
  r.status = 200;
  r.duration = 42.04;
  call.interpreter.on_transfer_result(r);
  EXPECT_EQ(call.host.last_text(), "Back after 42 s: far_end_disconnect");
  EXPECT_EQ(call.interpreter.variables().get("agent$.status"), "200");
  EXPECT_EQ(call.interpreter.visits().front().result, "far_end_disconnect:200");
}

TEST(TransferModule, MaxTimeFallsThroughBusyAndNoAnswerTakeTheirExits) {
  {
    Call call(kBridged, kQueue);
    call.interpreter.start();
    finish_prompt(call.interpreter, call.host);
    TransferResult r;
    r.outcome = TransferResult::Outcome::kMaxTimeDisconnect;
    r.duration = 600;
    call.interpreter.on_transfer_result(r);
    EXPECT_EQ(call.host.last_text(), "Back after 600 s: maxtime_disconnect");
  }
  for (auto [outcome, status, said] :
       {std::tuple{TransferResult::Outcome::kBusy, 486, "busy 486"},
        std::tuple{TransferResult::Outcome::kNoAnswer, 487, "noanswer 487"}}) {
    Call call(kBridged, kQueue);
    call.interpreter.start();
    finish_prompt(call.interpreter, call.host);
    TransferResult r;
    r.outcome = outcome;
    r.status = status;
    call.interpreter.on_transfer_result(r);
    EXPECT_EQ(call.host.last_text(), std::string("Nobody took it: ") + said);
    EXPECT_EQ(call.interpreter.variables().get("agent$.duration"), "0");
  }
}

TEST(TransferModule, ErrorExitAndHostThatCannotTransfer) {
  Call call(kBridged, kQueue);
  call.host.can_transfer = false;
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "Transfer failed");
  EXPECT_EQ(call.interpreter.variables().get("agent"), "error");
  EXPECT_EQ(call.interpreter.variables().get("agent$.error"), "this host cannot transfer calls");
}

constexpr std::string_view kBlind = R"(
  {"type": "transfer", "name": "xfer", "target": "5551234"},
  {"type": "prompt", "name": "after", "text": "never heard"})";

TEST(TransferModule, BlindDoneEndsTheCall) {
  Call call(kBlind);
  call.interpreter.start();
  ASSERT_EQ(call.host.transfers.size(), 1u);
  EXPECT_EQ(call.host.transfers.front().mode, TransferMode::kBlind);
  EXPECT_EQ(call.host.transfers.front().target, "5551234");
  TransferResult r;
  r.outcome = TransferResult::Outcome::kDone;
  r.status = 200;
  call.interpreter.on_transfer_result(r);
  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_EQ(call.interpreter.exit_reason(), "transferred");
  EXPECT_TRUE(call.host.hung_up);
  EXPECT_TRUE(call.host.plays.empty());
}

TEST(TransferModule, UnwiredBusyEndsTheCallAndHangupCancels) {
  {
    Call call(kBlind);
    call.interpreter.start();
    TransferResult r;
    r.outcome = TransferResult::Outcome::kBusy;
    r.status = 486;
    call.interpreter.on_transfer_result(r);
    EXPECT_EQ(call.interpreter.exit_reason(), "transfer_busy");
  }
  Call call(kBlind);
  call.interpreter.start();
  call.interpreter.on_hangup();
  EXPECT_EQ(call.host.transfer_cancels, 1);
  EXPECT_EQ(call.interpreter.exit_reason(), "caller_hangup");
  // A result that arrives after the hang-up is stale and changes nothing.
  call.interpreter.on_transfer_result(TransferResult{});
  EXPECT_EQ(call.interpreter.exit_reason(), "caller_hangup");
}

TEST(TransferModule, TargetFromAVariableIsCheckedWhenTheCallRuns) {
  Call call(R"({"type": "transfer", "name": "x", "target": "{{where}}",
               "exits": {"error": "oops"}},
              {"type": "prompt", "name": "oops", "text": "{{x$.error}}"})",
            R"({"where": "not a <target>"})");
  call.interpreter.start();
  EXPECT_TRUE(call.host.transfers.empty());
  EXPECT_EQ(call.interpreter.variables().get("x"), "error");
  EXPECT_NE(call.host.last_text().find("the transfer target"), std::string::npos);
}

TEST(TransferValidator, BadTargetsHeadersKeysAndExits) {
  EXPECT_NE(problems(R"({"type": "transfer", "name": "x", "target": "call bob"})")
                .find("'target' must be a phone number"),
            std::string::npos);
  EXPECT_NE(
      problems(R"({"type": "transfer", "name": "x", "target": "sip:@"})").find("without a host"),
      std::string::npos);
  EXPECT_NE(problems(R"({"type": "transfer", "name": "x", "target": "100",
                        "headers": {"Contact": "evil"}})")
                .find("only X- headers and User-to-User"),
            std::string::npos);
  EXPECT_NE(problems(R"({"type": "transfer", "name": "x", "target": "100", "mode": "bridged",
                        "dtmf": "12x"})")
                .find("'dtmf' may hold only"),
            std::string::npos);
  EXPECT_NE(problems(R"({"type": "transfer", "name": "x", "target": "100", "dtmf": "1"})")
                .find("bridged transfer only"),
            std::string::npos);
  EXPECT_NE(problems(R"({"type": "transfer", "name": "x", "target": "100",
                        "exits": {"far_end_disconnect": "x"}})")
                .find("exit 'far_end_disconnect' is taken by a bridged transfer only"),
            std::string::npos);
  EXPECT_NE(problems(R"({"type": "transfer", "name": "x", "target": "100", "mode": "bridged",
                        "exits": {"done": "x"}})")
                .find("exit 'done' is taken by a blind transfer only"),
            std::string::npos);
  EXPECT_NE(problems(R"({"type": "transfer", "name": "x", "target": "100", "mode": "sideways"})")
                .find("'mode' must be"),
            std::string::npos);
  // The good forms pass.
  EXPECT_EQ(problems(R"({"type": "transfer", "name": "x", "target": "tel:+1-555-0100",
                        "headers": {"x-ref": "1", "USER-TO-USER": "2"}})"),
            "");
  EXPECT_EQ(problems(R"({"type": "transfer", "name": "x", "target": "sips:a@b.example:5061"})"),
            "");
}

TEST(TransferValidator, PrivateValuesNeverGoIntoSignalling) {
  const std::string leaky = problems(R"(
    {"type": "digits", "name": "acct", "private": true, "prompt": "Account?"},
    {"type": "transfer", "name": "x", "target": "100", "headers": {"X-Acct": "{{acct}}"}})");
  EXPECT_NE(leaky.find("private value 'acct'"), std::string::npos) << leaky;
  EXPECT_NE(leaky.find("SIP signalling of transfer 'x'"), std::string::npos) << leaky;
  // Through a copy too (taint follows Set Variable), and in the target.
  const std::string copied = problems(R"(
    {"type": "digits", "name": "acct", "private": true, "prompt": "Account?"},
    {"type": "set_variable", "name": "s", "rows": [{"name": "a2", "expression": "acct"}]},
    {"type": "transfer", "name": "x", "target": "sip:{{a2}}@example.com"})");
  EXPECT_NE(copied.find("private value 'a2'"), std::string::npos) << copied;
  // The same app with the value not private is fine.
  EXPECT_EQ(problems(R"(
    {"type": "digits", "name": "acct", "prompt": "Account?"},
    {"type": "transfer", "name": "x", "target": "100", "headers": {"X-Acct": "{{acct}}"}})"),
            "");
}

TEST(TransferValidator, RuntimePrivateValueIsRefused) {
  // A value that becomes private at run time (a secure deployment's variables) is refused
  // by the interpreter even though the document could not know.
  Call call(R"({"type": "transfer", "name": "x", "target": "100",
               "headers": {"X-Ref": "{{ref}}"}, "exits": {"error": "oops"}},
              {"type": "prompt", "name": "oops", "text": "{{x$.error}}"})",
            R"({"ref": "1"})");
  call.interpreter.variables().set("ref", "4111111111111111", true);
  call.interpreter.start();
  EXPECT_TRUE(call.host.transfers.empty());
  EXPECT_EQ(call.host.last_text(),
            "a private value in the transfer's target, caller id or headers");
}

Scenario scenario_with(std::string_view yaml) {
  auto parsed = parse_scenarios(yaml, "s.yaml");
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? parsed->front() : Scenario{};
}

TEST(TransferScenario, EveryExitThroughScenarioSteps) {
  const AppDocument app = app_with(kBridged, kQueue);
  struct Case {
    std::string step;
    std::string variable;
    std::string heard;
  };
  const std::vector<Case> cases = {
      {"{answered: 30}", "far_end_disconnect", "Back after 30 s"},
      {"{answered: 900}", "maxtime_disconnect", "Back after 600 s"},
      {"busy", "busy", "Nobody took it: busy 486"},
      {"{noanswer: true, status: 408}", "noanswer", "Nobody took it: noanswer 408"},
      {"error", "error", "Transfer failed"},
  };
  for (const auto& c : cases) {
    const Scenario s =
        scenario_with("steps:\n  - transfer: " + c.step + "\n  - expect_prompt: \"" + c.heard +
                      "\"\nexpect:\n  variables: {agent: " + c.variable + "}\n");
    const ScenarioResult r = run_scenario(app, s);
    EXPECT_TRUE(r.passed) << c.step << ": " << (r.failures.empty() ? "" : r.failures.front());
  }
  // A caller who hangs up while talking: the transfer is cancelled, the call ends.
  const ScenarioResult hung =
      run_scenario(app, scenario_with("steps:\n  - hangup: true\nexpect:\n  end: caller_hangup\n"));
  EXPECT_TRUE(hung.passed) << hung.failures.front();
  // "done" belongs to blind transfers: a scenario saying it of a bridged one fails.
  const ScenarioResult wrong = run_scenario(app, scenario_with("steps:\n  - transfer: done\n"));
  EXPECT_FALSE(wrong.passed);
  const ScenarioResult blind = run_scenario(
      app_with(kBlind), scenario_with("steps:\n  - transfer: done\nexpect:\n  end: transferred\n"));
  EXPECT_TRUE(blind.passed) << blind.failures.front();
}

TEST(TransferScenario, StepSyntaxErrors) {
  EXPECT_FALSE(parse_scenarios("steps:\n  - transfer: sideways\n", "s.yaml").ok());
  EXPECT_FALSE(parse_scenarios("steps:\n  - transfer: {answered: -1}\n", "s.yaml").ok());
  EXPECT_FALSE(parse_scenarios("steps:\n  - transfer: {status: 42, busy: 1}\n", "s.yaml").ok());
}

TEST(TransferSimulator, TheBuilderPlaysTheFarEnd) {
  const AppDocument app = app_with(kBridged, kQueue);
  std::istringstream in("answered 12\n");
  std::ostringstream out;
  EXPECT_EQ(run_simulation(app, in, out), 0);
  const std::string text = out.str();
  EXPECT_NE(text.find("[transfer] bridged to sip:sales@pbx.example.com"), std::string::npos)
      << text;
  EXPECT_NE(text.find("[prompt] Back after 12 s: far_end_disconnect"), std::string::npos) << text;
  std::istringstream busy("busy\n");
  std::ostringstream busy_out;
  run_simulation(app, busy, busy_out);
  EXPECT_NE(busy_out.str().find("Nobody took it: busy 486"), std::string::npos) << busy_out.str();
}

}  // namespace
}  // namespace keyline::flow
