// Set Variable, Counter, Call Log, Label and Compare Variable's boolean type, run through the
// real interpreter with the scripted host.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::press;

AppDocument app_with(std::string_view modules) {
  const std::string json =
      R"({"name": "t", "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
  auto app = parse_app(json, "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

std::string result_of(const Interpreter& interpreter, std::string_view module) {
  std::string out;
  for (const auto& visit : interpreter.visits()) {
    if (visit.module == module) out += (out.empty() ? "" : ",") + visit.result;
  }
  return out.empty() ? "(not visited)" : out;
}

struct Call {
  explicit Call(std::string_view modules, Variables session = {})
      : app(app_with(modules)), interpreter(app, host, std::move(session)) {}
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

TEST(SetVariable, RowsRunInOrderAndSeeEarlierRows) {
  Call call(R"(
    {"type": "set_variable", "name": "calc", "rows": [
      {"name": "price", "expression": "12.5"},
      {"name": "total", "expression": "price * 2"},
      {"name": "order.label", "expression": "'total ' + total"}]},
    {"type": "prompt", "name": "say", "text": "{{order.label}}"})");
  call.interpreter.start();
  EXPECT_EQ(call.host.last_text(), "total 25");
  EXPECT_EQ(call.interpreter.variables().find("total")->as_number(), 25);
  EXPECT_EQ(result_of(call.interpreter, "calc"), "next");
}

TEST(SetVariable, TaintFlowsFromPrivateInputIntoDerivedVariables) {
  Call call(R"j(
    {"type": "digits", "name": "card", "private": true, "prompt": "Card?", "min_digits": 16,
     "max_digits": 16},
    {"type": "set_variable", "name": "derive", "rows": [
      {"name": "last4", "expression": "substr(card, -4)"},
      {"name": "public_len", "expression": "16"}]},
    {"type": "call_log", "name": "log", "text": "last four {{last4}}, length {{public_len}}"},
    {"type": "prompt", "name": "say", "text": "Ending in {{last4|digits}}."})j");
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "4111111111111111");
  EXPECT_TRUE(call.interpreter.variables().is_private("last4"));
  EXPECT_EQ(call.interpreter.variables().get("last4"), "1111");
  EXPECT_FALSE(call.interpreter.variables().is_private("public_len"));
  EXPECT_EQ(call.interpreter.log_lines(),
            std::vector<std::string>{"last four [private], length 16"});
  EXPECT_EQ(call.host.last_text(), "Ending in 1 1 1 1.");
  EXPECT_TRUE(call.host.plays.back().contains_private);  // never cached
}

TEST(SetVariable, PrivateModuleMakesWhatItSetsPrivate) {
  Call call(R"({"type": "set_variable", "name": "s", "private": true,
                "rows": [{"name": "x", "expression": "1 + 1"}]})");
  call.interpreter.start();
  EXPECT_TRUE(call.interpreter.variables().is_private("x"));
}

TEST(SetVariable, ErrorTakesTheErrorExitOrEndsTheCall) {
  Call wired(R"(
    {"type": "set_variable", "name": "s", "rows": [{"name": "x", "expression": "1 / 0"}],
     "exits": {"error": "oops"}},
    {"type": "prompt", "name": "fine", "text": "fine"},
    {"type": "prompt", "name": "oops", "text": "oops"})");
  wired.interpreter.start();
  EXPECT_EQ(wired.host.last_text(), "oops");
  EXPECT_EQ(wired.interpreter.variables().get("s$.error"), "x: division by zero");
  EXPECT_EQ(result_of(wired.interpreter, "s"), "error");

  Call unwired(R"j({"type": "set_variable", "name": "s",
                   "rows": [{"name": "x", "expression": "len(3)"}]})j");
  unwired.interpreter.start();
  EXPECT_EQ(unwired.interpreter.exit_reason(),
            "error:set_variable s row x: len() needs a string, list or map, not a number");
  EXPECT_TRUE(unwired.host.hung_up);
}

TEST(Counter, CountsPassesThenReachesTheLimit) {
  Call call(R"(
    {"type": "counter", "name": "tries", "limit": 3,
     "exits": {"under_limit": "again", "limit_reached": "done"}},
    {"type": "prompt", "name": "again", "text": "try {{tries}}", "exits": {"next": "tries"}},
    {"type": "prompt", "name": "done", "text": "enough"})");
  call.interpreter.start();
  EXPECT_EQ(call.host.last_text(), "try 1");
  finish_prompt(call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "try 2");
  finish_prompt(call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "enough");
  EXPECT_EQ(result_of(call.interpreter, "tries"), "under_limit:1,under_limit:2,limit_reached:3");
}

TEST(Counter, StartAndStep) {
  Call call(R"({"type": "counter", "name": "c", "start": 10, "step": 5, "limit": 20},
               {"type": "counter", "name": "d", "limit": 1})");
  call.interpreter.start();
  EXPECT_EQ(call.interpreter.variables().get("c"), "15");
  EXPECT_EQ(result_of(call.interpreter, "c"), "under_limit:15");
  EXPECT_EQ(result_of(call.interpreter, "d"), "limit_reached:1");
}

TEST(CallLog, WritesLinesWithPrivateValuesHidden) {
  Variables session;
  session.set("session.connection.ani", "5551234");
  session.set("secret", "hunter2", true);
  Call call(R"(
    {"type": "call_log", "name": "a", "text": "caller {{session.connection.ani}} said {{secret}}"},
    {"type": "call_log", "name": "b", "private": true, "text": "anything {{session.id}}"},
    {"type": "label", "name": "note", "text": "a sticky note"})",
            std::move(session));
  call.interpreter.start();
  EXPECT_EQ(call.interpreter.log_lines(),
            (std::vector<std::string>{"caller 5551234 said [private]", "[private]"}));
  EXPECT_EQ(result_of(call.interpreter, "note"), "next");
  EXPECT_EQ(call.interpreter.exit_reason(), "end_of_flow");
}

TEST(CompareVariable, BooleanComparison) {
  Variables session;
  session.set("flag", "Yes");
  Call call(R"(
    {"type": "compare_variable", "name": "cmp", "compare_as": "boolean",
     "conditions": [{"variable": "flag", "operator": "=", "value": "true", "goto": "yes"}]},
    {"type": "prompt", "name": "no", "text": "no"},
    {"type": "prompt", "name": "yes", "text": "yes"})",
            std::move(session));
  call.interpreter.start();
  EXPECT_EQ(call.host.last_text(), "yes");
}

TEST(Language, PromptsCarryTheSessionLanguage) {
  Call call(R"({"type": "prompt", "name": "hi", "text": "hi"})");
  call.interpreter.start();
  EXPECT_EQ(call.host.plays.back().language, "en-US");
  EXPECT_EQ(call.interpreter.variables().get("session.language"), "en-US");
}

}  // namespace
}  // namespace keyline::flow
