// The Call Recording module: the loader's checks, and the module through the real interpreter
// (what it asks of the host, its exits, its variables), alongside a private input module's
// automatic pause.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;
using testing::press;
using Action = CallRecordingControl::Action;

std::string app_json(std::string_view modules) {
  return R"({"name": "t", "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
}

std::string load_error(std::string_view modules) {
  auto app = parse_app(app_json(modules), "t.json");
  return app.ok() ? std::string() : app.error().message;
}

TEST(CallRecordingModule, ReadsEachAction) {
  auto app = parse_app(app_json(R"(
    {"type": "call_recording", "name": "a", "action": "start", "channels": "mixed"},
    {"type": "call_recording", "name": "b", "action": "pause"},
    {"type": "call_recording", "name": "c", "action": "resume"},
    {"type": "call_recording", "name": "d", "action": "stop", "exits": {"error": "a"}})"),
                       "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  const auto& modules = app->pages[0].modules;
  ASSERT_EQ(modules.size(), 4u);
  EXPECT_EQ(modules[0].type(), ModuleType::kCallRecording);
  EXPECT_EQ(module_type_name(modules[0].type()), "call_recording");
  const auto& start = std::get<CallRecordingSettings>(modules[0].settings);
  EXPECT_EQ(start.action, CallRecordingSettings::Action::kStart);
  EXPECT_EQ(start.channels, CallRecordingSettings::Channels::kMixed);
  EXPECT_EQ(std::get<CallRecordingSettings>(modules[1].settings).action,
            CallRecordingSettings::Action::kPause);
  EXPECT_EQ(std::get<CallRecordingSettings>(modules[2].settings).action,
            CallRecordingSettings::Action::kResume);
  EXPECT_EQ(std::get<CallRecordingSettings>(modules[3].settings).action,
            CallRecordingSettings::Action::kStop);
  EXPECT_EQ(modules[3].exits.count("error"), 1u);
}

TEST(CallRecordingModule, RefusesBadSettings) {
  EXPECT_NE(load_error(R"({"type": "call_recording", "name": "a"})").find("action"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"type": "call_recording", "name": "a", "action": "rewind"})")
                .find("\"start\", \"pause\", \"resume\" or \"stop\""),
            std::string::npos);
  EXPECT_NE(load_error(R"({"type": "call_recording", "name": "a", "action": "start",
                           "channels": "quad"})")
                .find("\"stereo\" or \"mixed\""),
            std::string::npos);
  // Channels belong to a start only.
  EXPECT_NE(load_error(R"({"type": "call_recording", "name": "a", "action": "stop",
                           "channels": "stereo"})")
                .find("only for"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"type": "call_recording", "name": "a", "action": "stop",
                           "volume": 3})")
                .find("volume"),
            std::string::npos);
  EXPECT_NE(load_error(R"({"type": "call_recording", "name": "a", "action": "stop",
                           "exits": {"next": "a"}})")
                .find("next"),
            std::string::npos);
}

struct Call {
  explicit Call(std::string_view modules) {
    auto parsed = parse_app(app_json(modules), "t.json");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    if (parsed.ok()) app = std::move(parsed).value();
    interpreter = std::make_unique<Interpreter>(app, host, Variables{});
  }
  AppDocument app;
  FakeFlowHost host;
  std::unique_ptr<Interpreter> interpreter;
};

TEST(CallRecordingModule, AsksTheHostInFlowOrder) {
  Call call(R"(
    {"type": "call_recording", "name": "rec", "action": "start", "channels": "mixed"},
    {"type": "prompt", "name": "one", "text": "One"},
    {"type": "call_recording", "name": "hold", "action": "pause"},
    {"type": "call_recording", "name": "go", "action": "resume"},
    {"type": "call_recording", "name": "end", "action": "stop"},
    {"type": "prompt", "name": "two", "text": "Two"})");
  call.interpreter->start();
  ASSERT_EQ(call.host.recording_controls.size(), 1u);
  EXPECT_EQ(call.host.recording_controls[0].action, Action::kStart);
  EXPECT_FALSE(call.host.recording_controls[0].stereo);
  EXPECT_EQ(call.host.recording_controls[0].module, "rec");
  EXPECT_EQ(call.host.last_text(), "One");
  finish_prompt(*call.interpreter, call.host);
  ASSERT_EQ(call.host.recording_controls.size(), 4u);
  EXPECT_EQ(call.host.recording_controls[1].action, Action::kPause);
  EXPECT_EQ(call.host.recording_controls[2].action, Action::kResume);
  EXPECT_EQ(call.host.recording_controls[3].action, Action::kStop);
  EXPECT_EQ(call.host.last_text(), "Two");
  EXPECT_EQ(call.interpreter->variables().get("rec").value_or(""), "start");
  EXPECT_EQ(call.interpreter->variables().get("end$.status").value_or(""), "done");
  bool logged = false;
  for (const auto& v : call.interpreter->visits()) logged |= v.result == "done:pause";
  EXPECT_TRUE(logged);
}

TEST(CallRecordingModule, HostErrorTakesTheErrorExit) {
  Call call(R"(
    {"type": "call_recording", "name": "end", "action": "stop", "exits": {"error": "oops"}},
    {"type": "prompt", "name": "fine", "text": "Fine"},
    {"type": "prompt", "name": "oops", "text": "Could not stop"})");
  call.host.recording_control_error = "no call recording is running";
  call.interpreter->start();
  EXPECT_EQ(call.host.last_text(), "Could not stop");
  EXPECT_EQ(call.interpreter->variables().get("end$.status").value_or(""), "error");
  bool logged = false;
  for (const auto& v : call.interpreter->visits())
    logged |= v.result.find("no call recording is running") != std::string::npos;
  EXPECT_TRUE(logged);
}

TEST(CallRecordingModule, UnwiredErrorGoesOn) {
  // A recording that cannot start does not cost the caller the call.
  Call call(R"(
    {"type": "call_recording", "name": "rec", "action": "start"},
    {"type": "prompt", "name": "fine", "text": "Still here"})");
  call.host.recording_control_error = "no recordings directory configured";
  call.interpreter->start();
  EXPECT_EQ(call.host.last_text(), "Still here");
  EXPECT_FALSE(call.host.hung_up);
}

TEST(CallRecordingModule, ExplicitPauseAndPrivateInputAreSeparateSignals) {
  // The host sees the module's pause and the private module's automatic pause as two
  // signals, so it can keep the builder's pause after the private module ends.
  Call call(R"(
    {"type": "call_recording", "name": "hold", "action": "pause"},
    {"type": "digits", "name": "pin", "private": true, "prompt": "PIN?", "max_digits": 4},
    {"type": "prompt", "name": "after", "text": "Thanks"})");
  call.interpreter->start();
  ASSERT_EQ(call.host.recording_controls.size(), 1u);
  EXPECT_EQ(call.host.recording_controls[0].action, Action::kPause);
  EXPECT_EQ(call.host.private_changes, std::vector<bool>{true});
  finish_prompt(*call.interpreter, call.host);
  press(*call.interpreter, "1234");
  EXPECT_EQ(call.host.last_text(), "Thanks");
  EXPECT_EQ(call.host.private_changes, (std::vector<bool>{true, false}));
  EXPECT_EQ(call.host.recording_controls.size(), 1u);  // no resume was asked for
}

}  // namespace
}  // namespace keyline::flow
