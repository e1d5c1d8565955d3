// The Record module through the real interpreter (exits, variables, keys ending it), the
// validator's refusal of a private Record module, and the private-input signal that pauses
// whole-call recordings.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"
#include "flow/scenario.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::press;

std::string app_json(std::string_view modules, std::string_view settings = "{}") {
  return R"({"name": "t", "settings": )" + std::string(settings) +
         R"(, "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
}

AppDocument app_with(std::string_view modules, std::string_view settings = "{}") {
  auto app = parse_app(app_json(modules, settings), "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

struct Call {
  explicit Call(std::string_view modules) : app(app_with(modules)), interpreter(app, host, {}) {}
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

constexpr std::string_view kRecordApp = R"(
  {"type": "record", "name": "msg", "prompt": "Speak after the tone", "max_seconds": 30,
   "final_silence_ms": 2000, "no_input_ms": 4000,
   "exits": {"noinput": "none", "error": "failed"}},
  {"type": "prompt", "name": "thanks", "text": "Got {{msg$.duration}} seconds"},
  {"type": "exit", "name": "bye"},
  {"type": "prompt", "name": "none", "text": "Nothing recorded"},
  {"type": "exit", "name": "bye2"},
  {"type": "prompt", "name": "failed", "text": "Recording failed"})";

TEST(RecordModule, PromptThenRecordingThenDone) {
  Call call(kRecordApp);
  call.interpreter.start();
  EXPECT_EQ(call.host.last_text(), "Speak after the tone");
  EXPECT_FALSE(call.host.plays.back().barge_in);
  press(call.interpreter, "5");  // during the prompt: not an answer, not a stop
  EXPECT_TRUE(call.host.records.empty());
  finish_prompt(call.interpreter, call.host);
  ASSERT_EQ(call.host.records.size(), 1u);
  const RecordRequest& req = call.host.records.front();
  EXPECT_EQ(req.module, "msg");
  EXPECT_TRUE(req.beep);
  EXPECT_EQ(req.max_length, std::chrono::seconds(30));
  EXPECT_EQ(req.final_silence, std::chrono::milliseconds(2000));
  EXPECT_EQ(req.no_input, std::chrono::milliseconds(4000));

  // A key ends it: the interpreter asks the host to stop, the host reports.
  press(call.interpreter, "#");
  EXPECT_EQ(call.host.record_stops, "#");
  RecordResult r;
  r.id = "abc";
  r.path = "/rec/abc.wav";
  r.seconds = 3.04;
  r.termchar = '#';
  r.reason = "key";
  call.interpreter.on_record_done(r);
  EXPECT_EQ(call.host.last_text(), "Got 3 seconds");
  const Variables& v = call.interpreter.variables();
  EXPECT_EQ(v.get("msg"), "abc");
  EXPECT_EQ(v.get("msg$.path"), "/rec/abc.wav");
  EXPECT_EQ(v.get("msg$.termchar"), "#");
  EXPECT_EQ(v.get("msg$.status"), "key");
  EXPECT_DOUBLE_EQ(v.find("msg$.duration")->as_number(), 3.0);
  EXPECT_EQ(call.interpreter.visits().front().result, "done:abc (3.0 s)");
}

TEST(RecordModule, NoInputAndErrorTakeTheirExits) {
  for (auto outcome : {RecordResult::Outcome::kNoInput, RecordResult::Outcome::kError}) {
    Call call(kRecordApp);
    call.interpreter.start();
    finish_prompt(call.interpreter, call.host);
    RecordResult r;
    r.outcome = outcome;
    r.reason = outcome == RecordResult::Outcome::kError ? "disk full" : "no_input";
    call.interpreter.on_record_done(r);
    EXPECT_EQ(call.host.last_text(),
              outcome == RecordResult::Outcome::kError ? "Recording failed" : "Nothing recorded");
    EXPECT_FALSE(call.interpreter.variables().contains("msg"));
  }
}

TEST(RecordModule, UnwiredNoInputEndsTheCallAndStaleResultsAreIgnored) {
  Call call(R"({"type": "record", "name": "msg"}, {"type": "exit", "name": "bye"})");
  call.interpreter.start();  // no prompt: recording at once
  ASSERT_EQ(call.host.records.size(), 1u);
  RecordResult r;
  r.outcome = RecordResult::Outcome::kNoInput;
  call.interpreter.on_record_done(r);
  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_EQ(call.interpreter.exit_reason(), "max_retries");
  call.interpreter.on_record_done(r);  // after the end: nothing happens
}

TEST(RecordModule, HangupDuringRecordingEndsTheCall) {
  Call call(kRecordApp);
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  call.interpreter.on_hangup();
  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_EQ(call.interpreter.exit_reason(), "caller_hangup");
  EXPECT_EQ(call.host.record_stops, "");  // the host stops it at the call's end
}

TEST(RecordModule, ValidatorRefusesPrivateRecordAndBadSettings) {
  auto app = parse_app(app_json(R"({"type": "record", "name": "m", "private": true})"), "t.json");
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.error().message.find("record module cannot be private"), std::string::npos);
  auto bad = parse_app(
      app_json(R"({"type": "record", "name": "m", "max_seconds": 0, "beep": "yes"})"), "t.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("max_seconds"), std::string::npos);
  EXPECT_NE(bad.error().message.find("beep"), std::string::npos);
  auto mode = parse_app(app_json(R"({"type": "exit", "name": "x"})", R"({"record_call": "yes"})"),
                        "t.json");
  ASSERT_FALSE(mode.ok());
  EXPECT_NE(mode.error().message.find("record_call"), std::string::npos);
  EXPECT_EQ(app_with(R"({"type": "exit", "name": "x"})", R"({"record_call": "stereo"})")
                .settings.record_call,
            AppSettings::CallRecording::kStereo);
}

// The pause covers a private module from its prompt to its exit, re-prompts included, and
// nothing else.
TEST(PrivateInput, HostIsToldWhenAPrivateModuleCollectsAndWhenItLeaves) {
  Call call(R"(
    {"type": "digits", "name": "account", "prompt": "Account?", "max_digits": 4},
    {"type": "digits", "name": "card", "private": true, "prompt": "Card?", "min_digits": 4,
     "max_digits": 4},
    {"type": "digits", "name": "cvv", "private": true, "prompt": "CVV?", "min_digits": 3,
     "max_digits": 3},
    {"type": "prompt", "name": "thanks", "text": "Thanks"})");
  call.interpreter.start();
  EXPECT_TRUE(call.host.private_changes.empty());  // a public prompt
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "1234");
  // The card's prompt has been asked for: paused from before its first frame.
  EXPECT_EQ(call.host.last_text(), "Card?");
  ASSERT_EQ(call.host.private_changes, std::vector<bool>{true});
  finish_prompt(call.interpreter, call.host);
  testing::fire_timer(call.interpreter, call.host);  // no input: re-prompt, still private
  EXPECT_EQ(call.host.private_changes, std::vector<bool>{true});
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "4111");
  // Straight into another private module: no resume in between.
  EXPECT_EQ(call.host.last_text(), "CVV?");
  EXPECT_EQ(call.host.private_changes, std::vector<bool>{true});
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "123");
  EXPECT_EQ(call.host.last_text(), "Thanks");
  EXPECT_EQ(call.host.private_changes, (std::vector<bool>{true, false}));
}

TEST(PrivateInput, HangupDuringPrivateInputResumesNothingButEndsTheStretch) {
  Call call(R"({"type": "digits", "name": "pin", "private": true, "prompt": "PIN?"})");
  call.interpreter.start();
  EXPECT_EQ(call.host.private_changes, std::vector<bool>{true});
  call.interpreter.on_hangup();
  EXPECT_EQ(call.host.private_changes, (std::vector<bool>{true, false}));
}

TEST(PrivateInput, CallLogNamesThePausingModuleOnlyWhenTheCallIsRecorded) {
  constexpr std::string_view kModules = R"(
    {"type": "digits", "name": "pin", "private": true, "prompt": "PIN?", "min_digits": 4,
     "max_digits": 4},
    {"type": "digits", "name": "menu", "prompt": "Next?", "max_digits": 1})";
  for (const char* mode : {"stereo", "off"}) {
    const AppDocument app = app_with(kModules, std::string(R"({"record_call": ")") + mode + "\"}");
    FakeFlowHost host;
    Interpreter interpreter(app, host, {});
    interpreter.start();
    finish_prompt(interpreter, host);
    press(interpreter, "1234");
    std::vector<std::string> recording;
    for (const auto& v : interpreter.visits())
      if (v.type == "recording") recording.push_back(v.page + "/" + v.module + ":" + v.result);
    if (std::string(mode) == "off") {
      EXPECT_TRUE(recording.empty());
    } else {
      EXPECT_EQ(recording, (std::vector<std::string>{"p/pin:paused", "p/pin:resumed"}));
    }
    // The host is told either way: it decides whether anything is recording.
    EXPECT_EQ(host.private_changes, (std::vector<bool>{true, false}));
  }
}

TEST(RecordScenario, RecordStepsDriveTheModule) {
  const AppDocument app = app_with(kRecordApp);
  auto scenarios = parse_scenarios(R"(
- name: spoken then key
  steps:
    - expect_prompt: Speak after
    - record: 2.5
    - press: "#"
    - expect_prompt: Got 2.5 seconds
  expect:
    end: exit_module
    variables: {msg$.termchar: "#", msg$.status: key}
- name: spoken then silence
  steps:
    - record: 4
    - silence: true
    - expect_prompt: Got 4 seconds
  expect:
    variables: {msg$.status: silence}
- name: said nothing
  steps:
    - silence: true
    - expect_prompt: Nothing recorded
- name: too long
  steps:
    - record: 45
    - expect_prompt: Got 30 seconds
  expect:
    variables: {msg$.status: max_length}
)",
                                   "s.yaml");
  ASSERT_TRUE(scenarios.ok()) << scenarios.error().message;
  for (const auto& s : *scenarios) {
    const ScenarioResult r = run_scenario(app, s);
    EXPECT_TRUE(r.passed) << s.name << ": " << (r.failures.empty() ? "" : r.failures.front());
  }
  auto bad = parse_scenarios("steps:\n  - record: -1\n", "s.yaml");
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace keyline::flow
