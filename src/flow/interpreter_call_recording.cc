// The Call Recording module (docs/apps.md, "call_recording"): start, pause, resume or stop the
// whole-call recording. The host does the work at once, so the module exits in the same step.
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

std::string_view action_name(CallRecordingSettings::Action action) {
  switch (action) {
    case CallRecordingSettings::Action::kStart:
      return "start";
    case CallRecordingSettings::Action::kPause:
      return "pause";
    case CallRecordingSettings::Action::kResume:
      return "resume";
    case CallRecordingSettings::Action::kStop:
      return "stop";
  }
  return "?";
}

CallRecordingControl::Action control_action(CallRecordingSettings::Action action) {
  switch (action) {
    case CallRecordingSettings::Action::kStart:
      return CallRecordingControl::Action::kStart;
    case CallRecordingSettings::Action::kPause:
      return CallRecordingControl::Action::kPause;
    case CallRecordingSettings::Action::kResume:
      return CallRecordingControl::Action::kResume;
    case CallRecordingSettings::Action::kStop:
      return CallRecordingControl::Action::kStop;
  }
  return CallRecordingControl::Action::kStop;
}

}  // namespace

void Interpreter::run_call_recording(const Module& module) {
  const auto& settings = std::get<CallRecordingSettings>(module.settings);
  CallRecordingControl control;
  control.action = control_action(settings.action);
  control.stereo = settings.channels == CallRecordingSettings::Channels::kStereo;
  control.module = module.name;
  const std::string action(action_name(settings.action));
  variables_.set(module.name, action);
  if (auto done = host_.control_call_recording(control); !done) {
    // The host's reason names no value (a missing directory, nothing to pause).
    variables_.set(module.name + "$.status", "error");
    record("error:" + action + ": " + done.error().message);
    take_exit("error");
    return;
  }
  variables_.set(module.name + "$.status", "done");
  record("done:" + action);
  take_exit("done");
}

}  // namespace keyline::flow
