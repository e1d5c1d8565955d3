// Reader for the Call Recording module (docs/apps.md, "call_recording").
#include "flow/app_module_readers.h"

namespace keyline::flow {

CallRecordingSettings read_call_recording(ValueReader& r, ObjectReader& obj) {
  using Action = CallRecordingSettings::Action;
  using Channels = CallRecordingSettings::Channels;
  CallRecordingSettings out;
  if (auto n = obj.required("action")) {
    std::string action;
    if (r.read_string(*n, "action", action)) {
      if (action == "start") {
        out.action = Action::kStart;
      } else if (action == "pause") {
        out.action = Action::kPause;
      } else if (action == "resume") {
        out.action = Action::kResume;
      } else if (action == "stop") {
        out.action = Action::kStop;
      } else {
        r.diagnostics().add(pos_of(*n),
                            "'action' must be \"start\", \"pause\", \"resume\" or \"stop\"");
      }
    }
  }
  if (auto n = obj.get("channels")) {
    std::string channels;
    if (r.read_string(*n, "channels", channels)) {
      if (channels == "stereo") {
        out.channels = Channels::kStereo;
      } else if (channels == "mixed") {
        out.channels = Channels::kMixed;
      } else {
        r.diagnostics().add(pos_of(*n), "'channels' must be \"stereo\" or \"mixed\"");
      }
    }
    // Only a start opens a file: channels anywhere else would be silently ignored.
    if (out.action != Action::kStart)
      r.diagnostics().add(pos_of(*n), "'channels' is only for \"action\": \"start\"");
  }
  return out;
}

}  // namespace keyline::flow
