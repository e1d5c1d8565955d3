// The Name and Address modules through the real interpreter: recorded only, recorded and
// recognized (either may report first), re-prompts, every exit, the private variant (no
// recording, nothing in the call log, whole-call recording paused) and the validator's rules.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::fire_timer;
using testing::press;
using testing::say;

std::string app_json(std::string_view modules, std::string_view settings = "{}") {
  return R"({"name": "t", "settings": )" + std::string(settings) +
         R"(, "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
}

struct Call {
  explicit Call(std::string_view modules, std::string_view settings = "{}")
      : app(load(modules, settings)), interpreter(app, host, {}) {}
  static AppDocument load(std::string_view modules, std::string_view settings) {
    auto app = parse_app(app_json(modules, settings), "t.json");
    EXPECT_TRUE(app.ok()) << (app.ok() ? "" : app.error().message);
    return app.ok() ? std::move(app).value() : AppDocument{};
  }
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

RecordResult recorded(std::string id, double seconds, std::string reason = "silence") {
  RecordResult r;
  r.id = id;
  r.path = "/rec/" + id + ".wav";
  r.seconds = seconds;
  r.reason = std::move(reason);
  return r;
}

RecordResult nothing_recorded() {
  RecordResult r;
  r.outcome = RecordResult::Outcome::kNoInput;
  r.reason = "no_input";
  return r;
}

constexpr std::string_view kRecordedName = R"(
  {"type": "name", "name": "caller", "prompt": "Say your name after the tone",
   "exits": {"noinput": "none"}},
  {"type": "prompt", "name": "thanks", "text": "Thanks, {{caller$.duration}} seconds"},
  {"type": "exit", "name": "bye"},
  {"type": "prompt", "name": "none", "text": "No name"})";

TEST(NameModule, RecordsTheAnswerWithoutSpeech) {
  Call call(kRecordedName);
  call.interpreter.start();
  EXPECT_EQ(call.host.last_text(), "Say your name after the tone");
  EXPECT_FALSE(call.host.plays.back().barge_in);
  finish_prompt(call.interpreter, call.host);
  ASSERT_EQ(call.host.records.size(), 1u);
  EXPECT_EQ(call.host.records[0].module, "caller");
  EXPECT_TRUE(call.host.records[0].beep);
  EXPECT_EQ(call.host.records[0].max_length, std::chrono::seconds(10));  // a name's default
  EXPECT_TRUE(call.host.recognitions.empty());  // no phrases: nothing to recognize

  call.interpreter.on_record_done(recorded("r1", 1.84));
  EXPECT_EQ(call.host.last_text(), "Thanks, 1.8 seconds");
  const Variables& v = call.interpreter.variables();
  EXPECT_EQ(v.get("caller"), "");  // nothing recognized
  EXPECT_EQ(v.get("caller$.recording"), "r1");
  EXPECT_EQ(v.get("caller$.path"), "/rec/r1.wav");
  EXPECT_EQ(v.get("caller$.inputmode"), "voice");
  EXPECT_EQ(call.interpreter.visits().front().result, "done:r1");
}

TEST(NameModule, KeyEndsTheRecording) {
  Call call(kRecordedName);
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  press(call.interpreter, "#");
  EXPECT_EQ(call.host.record_stops, "#");
  auto r = recorded("r1", 2.0, "key");
  r.termchar = '#';
  call.interpreter.on_record_done(r);
  EXPECT_EQ(call.interpreter.variables().get("caller$.termchar"), "#");
  EXPECT_EQ(call.interpreter.variables().get("caller$.status"), "key");
}

TEST(NameModule, NoInputRepromptsThenTakesItsExit) {
  Call call(kRecordedName);
  call.interpreter.start();
  for (int attempt = 0; attempt < 3; ++attempt) {  // the prompt and two re-prompts (retries 2)
    EXPECT_EQ(call.host.last_text(), "Say your name after the tone") << attempt;
    finish_prompt(call.interpreter, call.host);
    call.interpreter.on_record_done(nothing_recorded());
  }
  EXPECT_EQ(call.host.records.size(), 3u);
  EXPECT_EQ(call.host.last_text(), "No name");
  EXPECT_EQ(call.interpreter.variables().get("caller$.recording"), "");
  EXPECT_DOUBLE_EQ(call.interpreter.variables().find("caller$.attempts")->as_number(), 3);
}

TEST(NameModule, NoInputWithoutAnExitFollowsTheErrorPolicy) {
  Call call(R"({"type": "name", "name": "caller", "retries": 0})");
  call.interpreter.start();
  call.interpreter.on_record_done(nothing_recorded());
  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_EQ(call.interpreter.exit_reason(), "max_retries");
  EXPECT_TRUE(call.host.hung_up);
}

TEST(NameModule, RecordingErrorTakesTheErrorExit) {
  Call call(R"({"type": "name", "name": "caller", "exits": {"error": "oops"}},
               {"type": "exit", "name": "bye"},
               {"type": "prompt", "name": "oops", "text": "Sorry"})");
  call.interpreter.start();
  RecordResult r;
  r.outcome = RecordResult::Outcome::kError;
  r.reason = "disk full";
  call.interpreter.on_record_done(r);
  EXPECT_EQ(call.host.last_text(), "Sorry");
  EXPECT_EQ(call.interpreter.variables().get("caller$.error"), "disk full");
}

constexpr std::string_view kRecognizedName = R"(
  {"type": "name", "name": "caller", "prompt": "Your name?",
   "phrases": ["john smith", "maria garcia"], "retries": 1,
   "exits": {"nomatch": "unknown"}},
  {"type": "prompt", "name": "hello", "text": "Hello {{caller}}"},
  {"type": "exit", "name": "bye"},
  {"type": "prompt", "name": "unknown", "text": "Kept your recording {{caller$.recording}}"})";

TEST(NameModule, RecognizesWhileRecordingSpeechFirst) {
  Call call(kRecognizedName);
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  ASSERT_EQ(call.host.records.size(), 1u);
  ASSERT_TRUE(call.host.listening);
  EXPECT_FALSE(call.host.recognitions.back().barge_in);
  say(call.interpreter, call.host, "maria garcia");
  // The recording has not ended yet: the module waits for it.
  EXPECT_EQ(call.host.last_text(), "Your name?");
  call.interpreter.on_record_done(recorded("r7", 1.5));
  EXPECT_EQ(call.host.last_text(), "Hello maria garcia");
  EXPECT_EQ(call.interpreter.variables().get("caller$.recording"), "r7");
  EXPECT_EQ(call.interpreter.variables().get("caller$.utterance"), "maria garcia");
  EXPECT_EQ(call.interpreter.visits().front().result, "done:maria garcia");
}

TEST(NameModule, RecordingFirstWaitsForTheRecognizer) {
  Call call(kRecognizedName);
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  call.interpreter.on_record_done(recorded("r7", 1.5));
  ASSERT_TRUE(call.host.timer.has_value());  // a grace period for the recognizer
  EXPECT_EQ(call.host.last_text(), "Your name?");
  say(call.interpreter, call.host, "john smith");
  EXPECT_EQ(call.host.last_text(), "Hello john smith");
  EXPECT_FALSE(call.host.timer.has_value());
}

TEST(NameModule, RecognizerThatNeverAnswersIsANoMatch) {
  Call call(kRecognizedName);
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  call.interpreter.on_record_done(recorded("r1", 1.5));
  fire_timer(call.interpreter, call.host);
  EXPECT_GE(call.host.recognition_stops, 1);
  // Retries 1: asked again.
  EXPECT_EQ(call.host.last_text(), "Your name?");
  EXPECT_EQ(call.host.plays.size(), 2u);
}

TEST(NameModule, NoMatchRepromptsThenTakesNomatchWithTheRecording) {
  Call call(kRecognizedName);
  call.interpreter.start();
  for (int attempt = 0; attempt < 2; ++attempt) {
    finish_prompt(call.interpreter, call.host);
    say(call.interpreter, call.host, "somebody else");
    call.interpreter.on_record_done(recorded("r" + std::to_string(attempt), 2.0));
  }
  EXPECT_EQ(call.host.last_text(), "Kept your recording r1");
  EXPECT_EQ(call.interpreter.variables().get("caller"), "");
}

TEST(NameModule, NoMatchWithoutAnExitIsDoneWithTheRecording) {
  Call call(R"({"type": "name", "name": "caller", "phrases": ["john smith"], "retries": 0},
               {"type": "prompt", "name": "p2", "text": "Recorded {{caller$.recording}}"})");
  call.interpreter.start();
  say(call.interpreter, call.host, "nobody");
  call.interpreter.on_record_done(recorded("r9", 1.0));
  EXPECT_EQ(call.host.last_text(), "Recorded r9");
  EXPECT_EQ(call.interpreter.visits().front().result, "done:r9");
}

TEST(NameModule, MaxLengthStopsListening) {
  Call call(kRecognizedName);
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  call.interpreter.on_record_done(recorded("r1", 10.0, "max_length"));
  EXPECT_FALSE(call.host.listening);
  EXPECT_FALSE(call.host.timer.has_value());
}

TEST(NameModule, HangupStopsEverything) {
  Call call(kRecognizedName);
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  call.interpreter.on_hangup();
  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_FALSE(call.host.listening);
  EXPECT_EQ(call.interpreter.visits().back().result, "hangup");
}

constexpr std::string_view kPrivateAddress = R"(
  {"type": "address", "name": "home", "private": true, "prompt": "Your street?",
   "phrases": ["twelve high street", "four mill lane"]},
  {"type": "prompt", "name": "ok", "text": "Thank you"})";

TEST(AddressModule, PrivateRecognizesOnlyAndLogsNothing) {
  Call call(kPrivateAddress, R"({"record_call": "stereo"})");
  call.interpreter.start();
  // The whole-call recording pauses from the prompt on.
  ASSERT_FALSE(call.host.private_changes.empty());
  EXPECT_TRUE(call.host.private_changes.front());
  finish_prompt(call.interpreter, call.host);
  EXPECT_TRUE(call.host.records.empty());  // nothing is recorded
  ASSERT_TRUE(call.host.listening);
  EXPECT_TRUE(call.host.recognitions.back().is_private);
  say(call.interpreter, call.host, "four mill lane");
  EXPECT_EQ(call.host.last_text(), "Thank you");
  EXPECT_FALSE(call.host.private_changes.back());  // resumed
  const Variables& v = call.interpreter.variables();
  EXPECT_EQ(v.get("home"), "four mill lane");
  EXPECT_TRUE(v.is_private("home"));
  EXPECT_EQ(v.get("home$.recording"), "");
  for (const auto& visit : call.interpreter.visits())
    EXPECT_EQ(visit.result.find("mill"), std::string::npos) << visit.result;
  // The call log notes the recording's pause, then the module's private result.
  bool logged = false;
  for (const auto& visit : call.interpreter.visits()) {
    if (visit.type == "address") {
      EXPECT_EQ(visit.result, "done:[private]");
      logged = true;
    }
  }
  EXPECT_TRUE(logged);
}

TEST(AddressModule, PrivateWithoutARecognizerIsAnError) {
  Call call(kPrivateAddress);
  call.host.can_recognise = false;
  call.interpreter.start();
  finish_prompt(call.interpreter, call.host);
  EXPECT_TRUE(call.host.records.empty());
  EXPECT_TRUE(call.interpreter.finished());
  EXPECT_EQ(call.interpreter.exit_reason(), "error:address failed");
}

TEST(AddressModule, LongerDefaultLengthAndSettings) {
  Call call(R"({"type": "address", "name": "a", "beep": false, "final_silence_ms": 2500,
                "no_input_ms": 6000})");
  call.interpreter.start();
  ASSERT_EQ(call.host.records.size(), 1u);
  EXPECT_FALSE(call.host.records[0].beep);
  EXPECT_EQ(call.host.records[0].max_length, std::chrono::seconds(30));
  EXPECT_EQ(call.host.records[0].final_silence, std::chrono::milliseconds(2500));
  EXPECT_EQ(call.host.records[0].no_input, std::chrono::milliseconds(6000));
}

TEST(NameAddressValidation, RefusesBadSettings) {
  auto expect_error = [](std::string_view modules, std::string_view needle) {
    auto app = parse_app(app_json(modules), "t.json");
    ASSERT_FALSE(app.ok()) << modules;
    EXPECT_NE(app.error().message.find(needle), std::string::npos) << app.error().message;
  };
  expect_error(R"({"type": "name", "name": "n", "private": true})", "keeps no recording");
  expect_error(R"({"type": "name", "name": "n", "phrases": ["a"], "grammar": "x"})", "not both");
  expect_error(R"({"type": "address", "name": "n", "max_seconds": 0})", "max_seconds");
  expect_error(R"({"type": "name", "name": "n", "colour": "red"})", "colour");
  expect_error(R"({"type": "name", "name": "n", "exits": {"success": "n"}})", "success");
}

TEST(NameAddressValidation, PrivateByDefaultInASecureApp) {
  auto app = parse_app(
      app_json(R"({"type": "name", "name": "n", "phrases": ["sam"]})", R"({"secure": true})"),
      "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  EXPECT_TRUE(app->pages[0].modules[0].is_private);
  // ... and a secure app that records a name must say so.
  auto recorded_only =
      parse_app(app_json(R"({"type": "name", "name": "n"})", R"({"secure": true})"), "t.json");
  EXPECT_FALSE(recorded_only.ok());
}

}  // namespace
}  // namespace keyline::flow
