// The Evaluate JS module through the parser and the real interpreter with the scripted host:
// values in and out, library functions, limits ending in the error exit, private taint, and
// script errors reported at load time with their place in the document.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_analysis.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"
#include "flow/privacy_audit.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::press;

constexpr std::string_view kLuhnLibrary = R"({"name": "cards", "script": [
  "function luhn(s) {",
  "  var sum = 0;",
  "  for (var i = 0; i < s.length; i++) {",
  "    var d = +s[s.length - 1 - i];",
  "    if (i % 2) { d *= 2; if (d > 9) d -= 9; }",
  "    sum += d;",
  "  }",
  "  return sum % 10 === 0;",
  "}"]})";

std::string document(std::string_view modules, std::string_view settings = "{}") {
  return R"({"name": "t", "settings": )" + std::string(settings) +
         R"(, "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
}

AppDocument app_with(std::string_view modules, std::string_view settings = "{}") {
  auto app = parse_app(document(modules, settings), "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

std::string load_error(std::string_view modules, std::string_view settings = "{}") {
  auto app = parse_app(document(modules, settings), "t.json");
  return app.ok() ? "(loaded)" : app.error().message;
}

std::string result_of(const Interpreter& interpreter, std::string_view module) {
  std::string out;
  for (const auto& visit : interpreter.visits()) {
    if (visit.module == module) out += (out.empty() ? "" : ",") + visit.result;
  }
  return out.empty() ? "(not visited)" : out;
}

struct Call {
  explicit Call(std::string_view modules, std::string_view settings = "{}")
      : app(app_with(modules, settings)), interpreter(app, host, {}) {}
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

TEST(EvaluateJs, InputsOutputsAndTheModuleVariable) {
  Call call(R"(
    {"type": "set_variable", "name": "init", "rows": [
      {"name": "order", "expression": "{'items': [2, 3], 'currency': 'dollars'}"}]},
    {"type": "evaluate_js", "name": "total", "inputs": ["order", "order.currency"],
     "script": "var label = order.items.length + ' items in ' + order.currency; order.items[0] * order.items[1]",
     "outputs": ["label"]},
    {"type": "prompt", "name": "say", "text": "{{total}}, {{label}}"})");
  call.interpreter.start();
  ASSERT_FALSE(call.host.plays.empty()) << call.interpreter.exit_reason();
  EXPECT_EQ(call.host.last_text(), "6, 2 items in dollars");
  EXPECT_EQ(result_of(call.interpreter, "total"), "success");
  EXPECT_FALSE(call.interpreter.variables().is_private("total"));
}

TEST(EvaluateJs, LibraryFunctionWithArgumentsBranches) {
  for (const auto& [card, expected] :
       {std::pair{"4111111111111111", "valid"}, std::pair{"4111111111111112", "invalid"}}) {
    Call call(R"(
      {"type": "digits", "name": "card", "prompt": "Card?", "min_digits": 16, "max_digits": 16},
      {"type": "evaluate_js", "name": "ok", "function": "luhn", "arguments": ["card"]},
      {"type": "compare_variable", "name": "check", "compare_as": "boolean", "conditions": [
        {"variable": "ok", "operator": "=", "value": "true", "goto": "good"}]},
      {"type": "prompt", "name": "bad", "text": "invalid", "exits": {"next": "end"}},
      {"type": "prompt", "name": "good", "text": "valid"},
      {"type": "exit", "name": "end"})",
              R"({"js_libraries": [)" + std::string(kLuhnLibrary) + "]}");
    call.interpreter.start();
    finish_prompt(call.interpreter, call.host);
    press(call.interpreter, card);
    EXPECT_EQ(call.host.last_text(), expected) << card;
  }
}

// The issue's acceptance test: both limits end in the error exit and the call goes on.
TEST(EvaluateJs, InfiniteLoopAndMemoryBombTakeTheErrorExitAndTheCallGoesOn) {
  struct Case {
    const char* script;
    int time_limit_ms;  // the memory bomb gets the most time, so only memory can stop it
    const char* visit;
    const char* message;
  };
  for (const Case& c : {Case{"while (true) {}", 50, "error:timeout",
                             "bomb: stopped after the CPU time limit of 50 ms"},
                        Case{"var a = []; for (;;) a.push('grow ' + a.length);", 10000,
                             "error:memory", "bomb: stopped at the memory limit of 1 MiB"}}) {
    Call call(R"({"type": "evaluate_js", "name": "bomb", "time_limit_ms": )" +
              std::to_string(c.time_limit_ms) + R"(, "memory_limit_kb": 1024, "script": ")" +
              c.script + R"(", "exits": {"error": "sorry"}},
        {"type": "prompt", "name": "fine", "text": "fine"},
        {"type": "prompt", "name": "sorry", "text": "{{bomb$.error}}"},
        {"type": "prompt", "name": "after", "text": "still here"})");
    call.interpreter.start();
    EXPECT_EQ(result_of(call.interpreter, "bomb"), c.visit) << c.script;
    EXPECT_EQ(result_of(call.interpreter, "fine"), "(not visited)");
    ASSERT_FALSE(call.host.plays.empty());
    EXPECT_EQ(call.host.last_text(), c.message);
    finish_prompt(call.interpreter, call.host);
    EXPECT_EQ(call.host.last_text(), "still here");
    EXPECT_FALSE(call.interpreter.finished());
  }
}

TEST(EvaluateJs, UnwiredErrorEndsTheCallWithTheReason) {
  Call call(R"j(
    {"type": "evaluate_js", "name": "broken", "script": "undefined_function()"},
    {"type": "prompt", "name": "never", "text": "never"})j");
  call.interpreter.start();
  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_TRUE(call.host.hung_up);
  EXPECT_EQ(
      call.interpreter.exit_reason().rfind("error:evaluate_js broken line 1: ReferenceError", 0),
      0u)
      << call.interpreter.exit_reason();
  EXPECT_EQ(result_of(call.interpreter, "broken"), "error:exception");
}

TEST(EvaluateJs, PrivateInTaintsEverythingOutAndNothingPrivateIsLogged) {
  Call call(R"j(
    {"type": "digits", "name": "card", "private": true, "prompt": "Card?", "min_digits": 16,
     "max_digits": 16},
    {"type": "evaluate_js", "name": "mask", "inputs": ["card"], "outputs": ["last4", "fixed"],
     "script": "var last4 = card.slice(-4); var fixed = 'constant'; 'ends ' + last4"},
    {"type": "call_log", "name": "log", "text": "{{mask}} {{last4}} {{fixed}}"},
    {"type": "evaluate_js", "name": "thrower", "inputs": ["card"],
     "script": "throw new Error('bad card ' + card)", "exits": {"error": "said"}},
    {"type": "prompt", "name": "unused", "text": "x"},
    {"type": "call_log", "name": "said", "text": "{{thrower$.error}}"},
    {"type": "exit", "name": "bye"})j");
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "4111111111111111");
  const Variables& vars = call.interpreter.variables();
  EXPECT_EQ(vars.get("last4"), "1111");
  for (const char* name : {"mask", "last4", "fixed"}) EXPECT_TRUE(vars.is_private(name)) << name;
  ASSERT_EQ(call.interpreter.log_lines().size(), 2u);
  EXPECT_EQ(call.interpreter.log_lines()[0], "[private] [private] [private]");
  EXPECT_EQ(call.interpreter.log_lines()[1],
            "thrower line 1: Error was thrown (its message is hidden: the inputs are private)");
  for (const auto& visit : call.interpreter.visits())
    EXPECT_EQ(visit.result.find("1111"), std::string::npos) << visit.module << " " << visit.result;
  EXPECT_EQ(result_of(call.interpreter, "mask"), "success");
  EXPECT_EQ(call.interpreter.exit_reason(), "exit_module");
}

TEST(EvaluateJs, ScriptErrorsAreReportedAtLoadWithTheirPlace) {
  // A list of lines: the error points at the line holding it.
  const std::string lines = load_error(R"({"type": "evaluate_js", "name": "js", "script": [
      "var a = 1;",
      "var b = (;"]})");
  EXPECT_EQ(lines.rfind("t.json:3:7: 'script' line 2: SyntaxError: ", 0), 0u) << lines;
  // One string: the error points at the string and names the script's line.
  const std::string one = load_error(R"({"type": "evaluate_js", "name": "js",
      "script": "var a = 1;\nvar b = ;"})");
  EXPECT_EQ(one.rfind("t.json:2:17: 'script' line 2: SyntaxError", 0), 0u) << one;
  const std::string lib =
      load_error(R"({"type": "label", "name": "l"})",
                 R"({"js_libraries": [{"name": "x", "script": ["ok();", "}"]}]})");
  EXPECT_NE(lib.find("library 'x' line 2: SyntaxError"), std::string::npos) << lib;
  EXPECT_NE(load_error(R"({"type": "evaluate_js", "name": "js", "script": "1", "function": "f"})")
                .find("exactly one of 'script' or 'function'"),
            std::string::npos);
  EXPECT_NE(
      load_error(R"({"type": "evaluate_js", "name": "js", "script": "1", "arguments": ["a"]})")
          .find("'arguments' go with 'function'"),
      std::string::npos);
  EXPECT_NE(load_error(R"({"type": "evaluate_js", "name": "js", "script": "1",
                          "outputs": ["session.id"]})")
                .find("session variables cannot be set"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"type": "evaluate_js", "name": "js", "script": "1",
                          "time_limit_ms": 60000})")
                .find("'time_limit_ms' must be a whole number from 10 to 10000"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"type": "evaluate_js", "name": "js", "script": "1", "inputz": []})")
                .find("inputz"),
            std::string::npos);
}

TEST(EvaluateJs, ValidatorAndAuditFollowItsVariables) {
  auto app = app_with(R"(
    {"type": "digits", "name": "card", "private": true, "prompt": "Card?"},
    {"type": "evaluate_js", "name": "mask", "inputs": ["card"], "outputs": ["last4"],
     "script": "var last4 = card.slice(-4);"},
    {"type": "call_log", "name": "log", "text": "{{last4}} {{mask}}"},
    {"type": "evaluate_js", "name": "early", "inputs": ["later"], "script": "later"},
    {"type": "set_variable", "name": "sets", "rows": [{"name": "later", "expression": "1"}]},
    {"type": "exit", "name": "end"})");
  const auto problems = analyze_app(app);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("reads variable 'later' before it is set"), std::string::npos)
      << problems[0].message;
  const auto findings = audit_app(app);
  int errors = 0, warnings = 0;
  for (const auto& f : findings) {
    errors += f.severity == AuditSeverity::kError;
    warnings += f.severity == AuditSeverity::kWarning && f.sink_module == "mask";
  }
  EXPECT_EQ(errors, 2) << "last4 and mask reach the call log";
  EXPECT_EQ(warnings, 1) << "the card goes into a non-private script";
}

}  // namespace
}  // namespace keyline::flow
