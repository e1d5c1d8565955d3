#include "flow/scenario.h"

#include <gtest/gtest.h>

namespace keyline::flow {
namespace {

AppDocument demo() {
  auto app = load_app(KEYLINE_SOURCE_DIR "/examples/apps/demo.json");
  EXPECT_TRUE(app.ok());
  return std::move(app).value();
}

ScenarioResult run_one(const AppDocument& app, std::string_view yaml) {
  auto scenarios = parse_scenarios(yaml, "s.yaml");
  EXPECT_TRUE(scenarios.ok()) << scenarios.error().message;
  EXPECT_EQ(scenarios->size(), 1u);
  return run_scenario(app, scenarios->front());
}

TEST(Scenario, PassingScenario) {
  const auto r = run_one(demo(), R"(
name: balance
steps:
  - expect_prompt: Welcome
  - press: "1"
  - press: "12345#"
  - expect_prompt: You entered 1 2 3 4 5
expect:
  end: exit_module
  variables: {account: "12345"}
  visits: [main/main_menu, goodbye/done]
)");
  EXPECT_TRUE(r.passed);
  EXPECT_EQ(r.name, "balance");
  EXPECT_TRUE(r.failures.empty());
}

TEST(Scenario, EachKindOfMismatchIsReported) {
  const auto r = run_one(demo(), R"(
steps:
  - press: "1"
  - press: "99999#"
expect:
  end: caller_hangup
  variables: {account: "12345", nothing: "x"}
  log: [a line]
  visits: [time/time_prompt]
)");
  EXPECT_FALSE(r.passed);
  ASSERT_EQ(r.failures.size(), 5u);
  EXPECT_EQ(r.failures[0], "end: expected caller_hangup, got exit_module");
  // account is private: its actual value is not printed.
  EXPECT_EQ(r.failures[1], "variable account: expected \"12345\", got \"[private]\"");
  EXPECT_EQ(r.failures[2], "variable nothing: expected \"x\", got (not set)");
  EXPECT_EQ(r.failures[3], "log: the call log lines differ; got: (none)");
  EXPECT_EQ(r.failures[4], "visits: time/time_prompt was not visited in the expected order");
}

TEST(Scenario, MissingPromptAndSilenceWithNothingWaiting) {
  const auto missing = run_one(demo(), R"(
steps:
  - expect_prompt: Bonjour
)");
  ASSERT_EQ(missing.failures.size(), 1u);
  EXPECT_EQ(missing.failures[0], "step on line 3: no prompt containing \"Bonjour\" was heard");
  const auto ended = run_one(demo(), R"(
steps:
  - hangup: true
  - silence: true
)");
  ASSERT_EQ(ended.failures.size(), 1u);
  EXPECT_EQ(ended.failures[0], "step on line 4: silence, but nothing was waiting for keys");
}

TEST(Scenario, PrivatePromptsAreHiddenInTheReport) {
  const auto r = run_one(demo(), R"(
steps:
  - press: "1"
  - press: "12345#"
)");
  bool hidden = false;
  for (const auto& heard : r.heard) {
    EXPECT_EQ(heard.find("1 2 3 4 5"), std::string::npos);
    hidden = hidden || heard == "[private]";
  }
  EXPECT_TRUE(hidden);
}

TEST(Scenario, ParseErrorsHavePositions) {
  auto r = parse_scenarios("steps:\n  - dance: true\n  - press: \"12x\"\nfoo: 1\n", "s.yaml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "s.yaml:2:5: unknown step 'dance' (known: expect_prompt, press, silence, hangup, "
            "web_response, "
            "expect_request, say, record, transfer, message, expect_message)\n"
            "s.yaml:3:12: press: only phone keys 0-9 * # A-D (and spaces)\n"
            "s.yaml:4:1: unknown key 'foo' (known: name, session, callee_type, parameters, steps, "
            "expect)");
  EXPECT_FALSE(parse_scenarios("[", "s.yaml").ok());
}

// Outbound: callee_type reads "processing" until the first prompt has played, then the
// scripted decision; parameters are variables.
TEST(Scenario, CalleeTypeIsDecidedAfterTheFirstPrompt) {
  auto app = parse_app(R"({"name": "o", "pages": [{"name": "p", "modules": [
    {"type": "set_variable", "name": "early", "rows": [
      {"name": "seen", "expression": "session.connection.callee_type"}]},
    {"type": "prompt", "name": "hello", "text": "Hello {{who}}."},
    {"type": "compare_variable", "name": "kind", "conditions": [
      {"variable": "session.connection.callee_type", "operator": "=",
       "value": "answeringmachine", "goto": "machine"}]},
    {"type": "prompt", "name": "person", "text": "Press 1.", "exits": {"next": "bye"}},
    {"type": "prompt", "name": "machine", "text": "A message."},
    {"type": "exit", "name": "bye"}]}]})",
                       "o.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  const auto machine = run_one(*app, R"(
callee_type: answeringmachine
parameters: {who: Ada}
steps:
  - expect_prompt: Hello Ada
  - expect_prompt: A message
expect:
  variables: {seen: processing, session.connection.callee_type: answeringmachine}
  visits: [p/kind, p/machine]
)");
  EXPECT_TRUE(machine.passed) << (machine.failures.empty() ? "" : machine.failures[0]);
  const auto person = run_one(*app, R"(
callee_type: voice
steps:
  - expect_prompt: Press 1
)");
  EXPECT_TRUE(person.passed) << (person.failures.empty() ? "" : person.failures[0]);
  auto bad = parse_scenarios("callee_type: robot\n", "s.yaml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("callee_type must be voice"), std::string::npos);
}

TEST(Scenario, ExampleScenariosPass) {
  for (const char* name :
       {"demo", "payment", "appointment_reminder", "assistant_desk", "balance_wsdl"}) {
    auto app = load_app(std::string(KEYLINE_SOURCE_DIR "/examples/apps/") + name + ".json");
    ASSERT_TRUE(app.ok()) << app.error().message;
    auto scenarios = load_scenarios(std::string(KEYLINE_SOURCE_DIR "/examples/apps/scenarios/") +
                                    name + ".yaml");
    ASSERT_TRUE(scenarios.ok()) << scenarios.error().message;
    ASSERT_FALSE(scenarios->empty());
    for (const auto& s : *scenarios) {
      const auto r = run_scenario(*app, s);
      std::string why;
      for (const auto& f : r.failures) why += f + "\n";
      EXPECT_TRUE(r.passed) << name << ": " << s.name << "\n" << why;
    }
  }
}

}  // namespace
}  // namespace keyline::flow
