// CallSession's side of the Call Recording module (docs/apps.md, "call_recording"): start,
// pause, resume and stop the whole-call recording from the flow. The automatic pause during
// private input (call_recording.cc) and the module's pause are two separate holds: the
// recording runs only when neither is on.
#include "server/call_session.h"

namespace keyline::server {

Status CallSession::control_call_recording(const flow::CallRecordingControl& control) {
  using Action = flow::CallRecordingControl::Action;
  if (ended_) return make_error("recording", "the call has ended");
  switch (control.action) {
    case Action::kStart:
      if (call_recorder_) return Ok{};  // settings.record_call (or an earlier start) runs it
      recording_paused_by_module_ = false;
      return open_call_recording(control.stereo);
    case Action::kPause:
    case Action::kResume:
      if (!call_recorder_) return make_error("recording", "no call recording is running");
      recording_paused_by_module_ = control.action == Action::kPause;
      apply_recording_pause();
      ctx_.logger.info("call", record_.call_id + " recording " +
                                   (recording_paused_by_module_ ? "paused" : "resumed") + " by " +
                                   control.module);
      return Ok{};
    case Action::kStop: {
      if (!call_recorder_) return make_error("recording", "no call recording is running");
      stop_call_recording();
      recording_paused_by_module_ = false;
      if (finished_recording_.empty()) return make_error("recording", "the recording was lost");
      // Uploaded now, not at the hang-up: the caller may stay on the line for long.
      if (app_->settings.post_call && app_->settings.post_call->recording && ctx_.post_call &&
          interpreter_) {
        flow::PostCallFacts facts = post_call_facts();
        facts.end_unix_ms = unix_ms(wall_now());
        queue_recording_upload(facts);
      }
      finished_recording_.clear();  // handled (or refused and logged): not again at the hang-up
      return Ok{};
    }
  }
  return make_error("recording", "unknown action");
}

}  // namespace keyline::server
