// Speech input in the interpreter (docs/apps.md#speech-input): an input module with speech on
// asks the host to listen while its prompt plays (with barge-in) or once it has played, and a
// recognised answer becomes the same entry a key press would have made. Keys still work: the
// first key drops the speech turn. Part of Interpreter; see interpreter.h.
#include "flow/interpreter.h"
#include "flow/secure_wipe.h"
#include "flow/speech_input.h"

namespace keyline::flow {

void Interpreter::start_listening() {
  if (listening_ || finished_) return;
  const Module& module = current();
  if (!listens_for_speech(module)) return;
  auto request = speech_request(module);
  if (!request) return;  // parse_app checked the grammar; a hand-built document takes keys
  listening_ = host_.start_recognition(*request);
  speaking_ = false;
}

void Interpreter::stop_listening() {
  const bool was = listening_;
  listening_ = false;
  speaking_ = false;
  if (was) host_.stop_recognition();
}

void Interpreter::handle_speech_started() {
  if (!listening_ || speaking_) return;  // stale: keys won, or the module is over
  if (state_ == State::kInputPrompt) {
    if (!input_settings().barge_in) return;  // not listening during such a prompt anyway
    // Speech barge-in: the prompt stops as it does for a key.
    host_.stop_playback();
    state_ = State::kInput;
    collector_ = make_input_collector(current(), dynamic_options_);
  }
  if (state_ != State::kInput) return;
  speaking_ = true;
  // The caller is talking: the recognizer, not the no-input timer, ends this turn.
  disarm_timer();
  steps_since_wait_ = 0;
}

void Interpreter::handle_speech(speech::AsrResult result) {
  if (state_ == State::kRecording && voice_.hearing) {  // Name / Address
    voice_answer_heard(std::move(result));
    return;
  }
  const bool ours = listening_ && (state_ == State::kInput || state_ == State::kInputPrompt);
  if (!ours) {  // stale: keys won, or the module is over
    result.wipe();
    return;
  }
  listening_ = false;
  speaking_ = false;
  if (state_ == State::kInputPrompt) {
    if (result.status == speech::AsrStatus::kNoInput) {
      // The host gave up before the prompt ended: listen again once it has.
      result.wipe();
      return;
    }
    host_.stop_playback();
    state_ = State::kInput;
    collector_ = make_input_collector(current(), dynamic_options_);
  }
  switch (result.status) {
    case speech::AsrStatus::kMatch: {
      std::optional<std::string> entry = speech_entry(current(), result.best);
      if (!entry) {
        result.wipe();
        on_outcome(InputOutcome::kNoMatch);
        return;
      }
      disarm_timer();
      accept_entry(*entry, '\0', &result.best);
      secure_wipe(*entry);
      break;
    }
    case speech::AsrStatus::kNoMatch:
      on_outcome(InputOutcome::kNoMatch);
      break;
    case speech::AsrStatus::kNoInput:
      on_outcome(InputOutcome::kNoInput);
      break;
  }
  result.wipe();
}

}  // namespace keyline::flow
