#include "flow/interpreter.h"

#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"

namespace keyline::flow {
namespace {

using std::chrono::milliseconds;
using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;
using testing::press;

const char kMenuPrompt[] = "For your account balance, press 1. To hear the time, press 2.";
const char kAccountPrompt[] = "Please enter your account number, then press pound.";
const char kGoodbye[] = "Thank you for calling. Goodbye.";

AppDocument demo() {
  auto app = load_app(KEYLINE_SOURCE_DIR "/examples/apps/demo.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return std::move(app).value();
}

AppDocument app_from(std::string_view json) {
  auto app = parse_app(json, "test.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return std::move(app).value();
}

std::string result_of(const Interpreter& interpreter, std::string_view module) {
  for (const auto& visit : interpreter.visits())
    if (visit.module == module) return visit.result;
  return "(not visited)";
}

Variables session() {
  Variables v;
  v.set("session.id", "call-1");
  v.set("session.connection.ani", "5551234");
  return v;
}

// The demo up to the point where the main menu waits for a key.
struct DemoCall {
  AppDocument app = demo();
  FakeFlowHost host;
  Interpreter interpreter{app, host, session()};

  void to_menu() {
    interpreter.start();
    ASSERT_EQ(host.last_text(), "Welcome to Keyline.");
    finish_prompt(interpreter, host);
    ASSERT_EQ(host.last_text(), kMenuPrompt);
    finish_prompt(interpreter, host);
    ASSERT_EQ(host.timer, milliseconds(5000));
  }
  void to_goodbye_and_exit() {
    ASSERT_EQ(host.last_text(), kGoodbye);
    finish_prompt(interpreter, host);
  }
};

TEST(Interpreter, DemoAccountPath) {
  DemoCall call;
  call.to_menu();
  press(call.interpreter, "1");
  EXPECT_EQ(call.host.last_text(), kAccountPrompt);
  finish_prompt(call.interpreter, call.host);
  EXPECT_EQ(call.host.timer, milliseconds(5000));  // initial timeout until the first digit
  press(call.interpreter, "12345");
  EXPECT_EQ(call.host.timer, milliseconds(3000));  // then the inter-digit timeout
  press(call.interpreter, "#");
  EXPECT_FALSE(call.host.timer.has_value());
  EXPECT_EQ(call.host.last_text(), "You entered 1 2 3 4 5.");
  // The demo's account module is private: its readback must never be cached.
  EXPECT_TRUE(call.host.plays.back().contains_private);
  finish_prompt(call.interpreter, call.host);
  call.to_goodbye_and_exit();

  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_TRUE(call.host.hung_up);
  EXPECT_EQ(call.interpreter.exit_reason(), "exit_module");
  EXPECT_EQ(result_of(call.interpreter, "main_menu"), "1");
  EXPECT_EQ(result_of(call.interpreter, "account"), "success:[private]");
  EXPECT_EQ(result_of(call.interpreter, "readback"), "next");
  EXPECT_EQ(result_of(call.interpreter, "done"), "exit");
  const Variables& v = call.interpreter.variables();
  EXPECT_EQ(v.get("account"), "12345");
  EXPECT_FALSE(v.contains("account$.termchar"));  // the module is private
  EXPECT_EQ(v.get("account$.length"), "5");
  EXPECT_EQ(v.get("account$.inputmode"), "dtmf");
  EXPECT_EQ(v.get("main_menu"), "1");
  EXPECT_EQ(v.get("session.id"), "call-1");

  std::vector<std::string> modules;
  for (const auto& visit : call.interpreter.visits()) modules.push_back(visit.module);
  EXPECT_EQ(modules, (std::vector<std::string>{"greeting", "main_menu", "account", "readback",
                                               "goodbye_prompt", "done"}));
  EXPECT_EQ(call.interpreter.visits()[2].page, "balance");
  EXPECT_EQ(call.interpreter.visits()[2].type, "digits");
}

TEST(Interpreter, DemoTimePath) {
  DemoCall call;
  call.host.now = std::chrono::system_clock::time_point{} + std::chrono::hours(24 * 365) +
                  std::chrono::hours(15) + std::chrono::minutes(45);
  call.to_menu();
  press(call.interpreter, "2");
  EXPECT_EQ(call.host.last_text(), "The time is 3 45 PM.");
  finish_prompt(call.interpreter, call.host);
  call.to_goodbye_and_exit();
  EXPECT_EQ(call.interpreter.exit_reason(), "exit_module");
  EXPECT_EQ(result_of(call.interpreter, "main_menu"), "2");
  EXPECT_EQ(result_of(call.interpreter, "to_goodbye"), "goto:goodbye");
}

TEST(Interpreter, NoInputRepromptsThenTakesTheNoInputExit) {
  DemoCall call;
  call.to_menu();
  fire_timer(call.interpreter, call.host);  // retry 1
  EXPECT_EQ(call.host.last_text(), std::string("Sorry, I did not hear anything. ") + kMenuPrompt);
  finish_prompt(call.interpreter, call.host);
  fire_timer(call.interpreter, call.host);  // retry 2
  EXPECT_EQ(call.host.last_text(), std::string("Sorry, I did not hear anything. ") + kMenuPrompt);
  finish_prompt(call.interpreter, call.host);
  fire_timer(call.interpreter, call.host);  // retries exhausted
  call.to_goodbye_and_exit();
  EXPECT_EQ(call.host.plays.size(), 5u);  // welcome, menu x3, goodbye
  EXPECT_EQ(result_of(call.interpreter, "main_menu"), "noinput");
  EXPECT_EQ(call.interpreter.exit_reason(), "exit_module");
}

TEST(Interpreter, NoMatchRepromptsThenTakesTheNoMatchExit) {
  DemoCall call;
  call.to_menu();
  press(call.interpreter, "9");
  EXPECT_EQ(call.host.last_text(),
            std::string("Sorry, that is not one of the choices. ") + kMenuPrompt);
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "*");
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "0");
  call.to_goodbye_and_exit();
  EXPECT_EQ(result_of(call.interpreter, "main_menu"), "nomatch");
  EXPECT_FALSE(call.interpreter.variables().contains("main_menu"));
}

TEST(Interpreter, RetriesCountNoInputAndNoMatchTogether) {
  DemoCall call;
  call.to_menu();
  press(call.interpreter, "9");
  finish_prompt(call.interpreter, call.host);
  fire_timer(call.interpreter, call.host);
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "1");  // the third attempt still succeeds
  EXPECT_EQ(call.host.last_text(), kAccountPrompt);
  EXPECT_EQ(result_of(call.interpreter, "main_menu"), "1");
}

TEST(Interpreter, UnwiredErrorExitEndsTheCallWithMaxRetries) {
  AppDocument app = app_from(R"({"name": "t", "pages": [{"name": "p", "modules": [
    {"type": "menu", "name": "m", "prompt": "Press 1.", "retries": 1, "options": {"1": "bye"}},
    {"type": "exit", "name": "bye"}]}]})");
  FakeFlowHost host;
  Interpreter interpreter(app, host, Variables());
  interpreter.start();
  finish_prompt(interpreter, host);
  fire_timer(interpreter, host);
  EXPECT_EQ(host.last_text(), "Press 1.");  // no noinput_prompt: the prompt alone again
  finish_prompt(interpreter, host);
  fire_timer(interpreter, host);
  EXPECT_TRUE(interpreter.finished());
  EXPECT_EQ(interpreter.exit_reason(), "max_retries");
  EXPECT_TRUE(host.hung_up);
  EXPECT_EQ(result_of(interpreter, "bye"), "(not visited)");
}

TEST(Interpreter, BargeInKeepsKeysAsTypeAhead) {
  DemoCall call;
  call.interpreter.start();
  press(call.interpreter, "1");  // during "Welcome to Keyline."
  EXPECT_EQ(call.host.stops, 1);
  // The menu got the key ahead of its prompt, which is skipped; the account prompt plays.
  EXPECT_EQ(call.host.texts(), (std::vector<std::string>{"Welcome to Keyline.", kAccountPrompt}));
  EXPECT_EQ(result_of(call.interpreter, "greeting"), "next");
  EXPECT_EQ(result_of(call.interpreter, "main_menu"), "1");
  press(call.interpreter, "4321");  // barges in on the account prompt
  EXPECT_EQ(call.host.stops, 2);
  EXPECT_EQ(call.host.timer, milliseconds(3000));
  press(call.interpreter, "#");
  EXPECT_EQ(call.host.last_text(), "You entered 4 3 2 1.");
}

TEST(Interpreter, KeysDuringAPromptWithoutBargeInAreDropped) {
  AppDocument app = app_from(R"({"name": "t", "pages": [{"name": "p", "modules": [
    {"type": "prompt", "name": "legal", "text": "Listen.", "barge_in": false},
    {"type": "digits", "name": "d", "prompt": "Enter.", "max_digits": 2}]}]})");
  FakeFlowHost host;
  Interpreter interpreter(app, host, Variables());
  interpreter.start();
  press(interpreter, "12");
  EXPECT_EQ(host.stops, 0);
  EXPECT_TRUE(host.playing);
  finish_prompt(interpreter, host);
  EXPECT_EQ(host.last_text(), "Enter.");  // no type-ahead: the prompt plays
  finish_prompt(interpreter, host);
  EXPECT_EQ(host.timer, milliseconds(5000));
}

TEST(Interpreter, InterDigitTimeoutEndsCollection) {
  DemoCall call;
  call.to_menu();
  press(call.interpreter, "1");
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "98765");
  fire_timer(call.interpreter, call.host);
  EXPECT_EQ(result_of(call.interpreter, "account"), "success:[private]");
  EXPECT_EQ(call.interpreter.variables().get("account"), "98765");
  EXPECT_EQ(call.interpreter.variables().get("account$.length"), "5");
  EXPECT_EQ(call.host.last_text(), "You entered 9 8 7 6 5.");
}

TEST(Interpreter, FewerThanMinDigitsIsNoMatch) {
  DemoCall call;
  call.to_menu();
  press(call.interpreter, "1");
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "12#");
  EXPECT_EQ(call.host.last_text(),
            std::string("An account number has 4 to 10 digits. ") + kAccountPrompt);
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "123");
  fire_timer(call.interpreter, call.host);  // inter-digit timeout with 3 < 4 digits
  EXPECT_EQ(call.host.last_text(),
            std::string("An account number has 4 to 10 digits. ") + kAccountPrompt);
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "1234#");
  EXPECT_EQ(result_of(call.interpreter, "account"), "success:[private]");
  EXPECT_EQ(call.interpreter.variables().get("account"), "1234");
}

TEST(Interpreter, MaxDigitsSubmitsWithoutTerminator) {
  DemoCall call;
  call.to_menu();
  press(call.interpreter, "1");
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "0123456789");
  EXPECT_EQ(result_of(call.interpreter, "account"), "success:[private]");
  EXPECT_EQ(call.interpreter.variables().get("account"), "0123456789");
}

TEST(Interpreter, PrivateModuleHidesItsValue) {
  AppDocument app = app_from(R"({"name": "t", "pages": [{"name": "p", "modules": [
    {"type": "digits", "name": "pin", "private": true, "prompt": "PIN?", "min_digits": 4, "max_digits": 4},
    {"type": "prompt", "name": "say", "text": "Your PIN is {{pin|digits}}."},
    {"type": "prompt", "name": "plain", "text": "Bye."}]}]})");
  FakeFlowHost host;
  Interpreter interpreter(app, host, Variables());
  interpreter.start();
  EXPECT_TRUE(host.plays.back().contains_private);  // the prompt of a private module
  finish_prompt(interpreter, host);
  press(interpreter, "4321");
  EXPECT_EQ(result_of(interpreter, "pin"), "success:[private]");
  EXPECT_TRUE(interpreter.variables().is_private("pin"));
  // Its shadow variables keep only what says nothing about the value.
  EXPECT_FALSE(interpreter.variables().contains("pin$.termchar"));
  EXPECT_EQ(interpreter.variables().get("pin$.length"), "4");
  EXPECT_EQ(interpreter.variables().get("pin$.attempts"), "1");
  EXPECT_FALSE(interpreter.variables().is_private("pin$.length"));
  EXPECT_EQ(host.last_text(), "Your PIN is 4 3 2 1.");
  EXPECT_TRUE(host.plays.back().contains_private);
  finish_prompt(interpreter, host);
  EXPECT_FALSE(host.plays.back().contains_private);
  finish_prompt(interpreter, host);
  EXPECT_EQ(interpreter.exit_reason(), "end_of_flow");
  EXPECT_TRUE(host.hung_up);
  for (const auto& visit : interpreter.visits())
    EXPECT_EQ(visit.result.find("4321"), std::string::npos);
}

TEST(Interpreter, PrivateMenuHidesTheKey) {
  AppDocument app = app_from(R"({"name": "t", "pages": [{"name": "p", "modules": [
    {"type": "menu", "name": "m", "private": true, "prompt": "?", "options": {"7": "e"}},
    {"type": "exit", "name": "e"}]}]})");
  FakeFlowHost host;
  Interpreter interpreter(app, host, Variables());
  interpreter.start();
  finish_prompt(interpreter, host);
  press(interpreter, "7");
  EXPECT_EQ(result_of(interpreter, "m"), "[private]");
  EXPECT_EQ(interpreter.exit_reason(), "exit_module");
}

// amount -> compare (number) -> "big"/"small"; code -> compare (string).
constexpr std::string_view kCompareApp = R"({"name": "t", "pages": [
  {"name": "p", "modules": [
    {"type": "digits", "name": "amount", "prompt": "Amount?", "max_digits": 5},
    {"type": "compare_variable", "name": "as_number", "compare_as": "number", "conditions": [
      {"variable": "amount", "operator": ">", "value": 100, "goto": {"page": "big"}}]},
    {"type": "compare_variable", "name": "as_string", "conditions": [
      {"expression": "{{amount}}", "operator": ">", "value": "100", "goto": {"page": "big"}},
      {"variable": "session.connection.ani", "operator": "=", "value": "{{amount}}", "goto": "e"}],
     "exits": {"next": "e"}},
    {"type": "prompt", "name": "unreached", "text": "never"},
    {"type": "exit", "name": "e"}]},
  {"name": "big", "modules": [{"type": "exit", "name": "big_exit"}]}]})";

std::vector<ModuleVisit> run_compare(std::string_view keys) {
  AppDocument app = app_from(kCompareApp);
  FakeFlowHost host;
  Variables vars;
  vars.set("session.connection.ani", "100");
  Interpreter interpreter(app, host, std::move(vars));
  interpreter.start();
  finish_prompt(interpreter, host);
  press(interpreter, keys);
  fire_timer(interpreter, host);
  EXPECT_TRUE(interpreter.finished());
  return interpreter.visits();
}

TEST(Interpreter, CompareVariableNumberVersusString) {
  // 9 > 100 is false as numbers but true as strings.
  auto visits = run_compare("9");
  ASSERT_EQ(visits.size(), 4u);
  EXPECT_EQ(visits[1].result, "next");
  EXPECT_EQ(visits[2].result, "match:1");
  EXPECT_EQ(visits[3].module, "big_exit");

  // 200 > 100 as numbers: the first compare already matches.
  visits = run_compare("200");
  ASSERT_EQ(visits.size(), 3u);
  EXPECT_EQ(visits[1].result, "match:1");
  EXPECT_EQ(visits[2].module, "big_exit");

  // 055 is not > 100 either way, and the ANI "100" is not "055": the default exit leads to "e".
  visits = run_compare("055");
  ASSERT_EQ(visits.size(), 4u);
  EXPECT_EQ(visits[2].result, "next");
  EXPECT_EQ(visits[3].module, "e");

  // 100 is not > 100 either way, but it equals the ANI: the second row matches.
  visits = run_compare("100");
  ASSERT_EQ(visits.size(), 4u);
  EXPECT_EQ(visits[1].result, "next");
  EXPECT_EQ(visits[2].result, "match:2");
  EXPECT_EQ(visits[3].module, "e");
}

TEST(Interpreter, CallerHangupStopsEverything) {
  DemoCall call;
  call.to_menu();
  press(call.interpreter, "1");
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "12");
  call.interpreter.on_hangup();
  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_EQ(call.interpreter.exit_reason(), "caller_hangup");
  EXPECT_FALSE(call.host.hung_up);  // the caller is already gone
  EXPECT_FALSE(call.host.timer.has_value());
  EXPECT_EQ(result_of(call.interpreter, "account"), "hangup");
  // Late events change nothing.
  press(call.interpreter, "3#");
  call.interpreter.on_timer();
  EXPECT_EQ(call.interpreter.visits().size(), 3u);
  EXPECT_FALSE(call.interpreter.variables().contains("account"));
}

TEST(Interpreter, HangupDuringAPromptStopsPlayback) {
  DemoCall call;
  call.interpreter.start();
  call.interpreter.on_hangup();
  EXPECT_EQ(call.host.stops, 1);
  EXPECT_EQ(call.interpreter.exit_reason(), "caller_hangup");
  EXPECT_EQ(result_of(call.interpreter, "greeting"), "hangup");
}

TEST(Interpreter, EndlessLoopWithoutWaitingIsAnError) {
  AppDocument app = app_from(R"({"name": "t", "pages": [
    {"name": "a", "modules": [{"type": "goto_page", "name": "to_b", "page": "b"}]},
    {"name": "b", "modules": [{"type": "goto_page", "name": "to_a", "page": "a"}]}]})");
  FakeFlowHost host;
  Interpreter interpreter(app, host, Variables());
  interpreter.start();
  EXPECT_TRUE(interpreter.finished());
  EXPECT_EQ(interpreter.exit_reason(), "error:loop");
  EXPECT_TRUE(host.hung_up);
  EXPECT_EQ(interpreter.visits().size(), 1000u);
}

TEST(Interpreter, LoopsThatWaitForTheCallerAreFine) {
  // A menu that returns to itself 1500 times never trips the loop guard.
  AppDocument app = app_from(R"({"name": "t", "pages": [{"name": "p", "modules": [
    {"type": "menu", "name": "m", "prompt": "?", "options": {"1": "m", "2": "e"}},
    {"type": "exit", "name": "e"}]}]})");
  FakeFlowHost host;
  Interpreter interpreter(app, host, Variables());
  interpreter.start();
  for (int i = 0; i < 1500; ++i) {
    finish_prompt(interpreter, host);
    press(interpreter, "1");
  }
  finish_prompt(interpreter, host);
  press(interpreter, "2");
  EXPECT_EQ(interpreter.exit_reason(), "exit_module");
}

TEST(Interpreter, SessionVariablesReachPrompts) {
  AppDocument app = app_from(R"({"name": "hello", "pages": [{"name": "p", "modules": [
    {"type": "prompt", "name": "p1", "text": "You called from {{session.connection.ani|digits}} ({{session.name}})."}]}]})");
  FakeFlowHost host;
  Interpreter interpreter(app, host, session());
  interpreter.start();
  EXPECT_EQ(host.last_text(), "You called from 5 5 5 1 2 3 4 (hello).");
}

// A host that reports play-done from inside play(), as a synchronous test double or a
// silent-audio host might. The interpreter must not re-enter itself.
class SynchronousHost : public FakeFlowHost {
 public:
  Interpreter* interpreter = nullptr;
  void play(const PlayRequest& request) override {
    plays.push_back(request);
    interpreter->on_play_done();
  }
};

TEST(Interpreter, HostMayCallBackFromInsidePlay) {
  AppDocument app = demo();
  SynchronousHost host;
  Interpreter interpreter(app, host, Variables());
  host.interpreter = &interpreter;
  interpreter.start();
  EXPECT_EQ(host.texts(), (std::vector<std::string>{"Welcome to Keyline.", kMenuPrompt}));
  press(interpreter, "2");
  EXPECT_TRUE(interpreter.finished());
  EXPECT_EQ(interpreter.exit_reason(), "exit_module");
  EXPECT_EQ(host.plays.size(), 4u);
}

}  // namespace
}  // namespace keyline::flow
