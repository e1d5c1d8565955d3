// The Name and Address modules (docs/apps.md, Name and Address): the prompt, a beep, and the
// caller's answer recorded by the host (as for a Record module) while the host's recognizer
// listens for the module's phrases. The module is done when both have reported: the recording
// ends on final silence, a key or the maximum length; the recognizer on its own end of speech.
// A private module keeps no recording and waits for the recognizer alone. Part of Interpreter;
// see interpreter.h.
#include <algorithm>
#include <cmath>

#include "flow/interpreter.h"
#include "flow/name_address_speech.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {
namespace {

// How long a recording that ended on silence waits for the recognizer's answer: it decides
// the end of speech itself, sooner than the module's final silence, and then decodes.
constexpr std::chrono::milliseconds kRecognizerGrace{3000};

}  // namespace

void Interpreter::run_voice_answer(const Module& module) {
  // Keys typed ahead answer nothing here: a name is spoken.
  secure_wipe(typeahead_);
  failures_ = 0;
  present_voice_answer(module);
}

void Interpreter::present_voice_answer(const Module& module) {
  const VoiceAnswerSettings& settings = *module.voice_answer();
  if (settings.prompt.empty()) {
    start_voice_answer();
    return;
  }
  // Heard to its end, as a Record module's: the answer starts after the beep.
  play(settings.prompt, false, module.is_private, State::kRecordPrompt);
}

void Interpreter::start_voice_answer() {
  const Module& module = current();
  const VoiceAnswerSettings& settings = *module.voice_answer();
  wipe_voice_answer();
  state_ = State::kRecording;
  steps_since_wait_ = 0;
  if (settings.recognizes()) {
    if (auto request = voice_answer_speech_request(module)) {
      listening_ = host_.start_recognition(*request);
      speaking_ = false;
      voice_.hearing = listening_;
    }
  }
  if (module.is_private) {
    if (voice_.hearing) return;
    // Nothing may record a private answer, and nothing here can recognize it.
    state_ = State::kIdle;
    voice_answer_error("speech recognition is not available for a private module");
    return;
  }
  RecordRequest request;
  request.module = module.name;
  request.beep = settings.beep;
  request.max_length = settings.max_length;
  request.final_silence = settings.final_silence;
  request.no_input = settings.no_input;
  voice_.recording = true;
  host_.start_record(request);
}

void Interpreter::voice_answer_recorded(const RecordResult& result) {
  voice_.recording = false;
  voice_.recorded = result;
  if (voice_.hearing) {
    // Final silence: the recognizer, which ends its turn on a shorter silence, is about to
    // answer. A key, the maximum length, no speech or an error: the answer is over now.
    if (result.outcome == RecordResult::Outcome::kDone && result.reason == "silence") {
      state_ = State::kRecording;
      arm_timer(kRecognizerGrace);
      return;
    }
    stop_listening();
    voice_.hearing = false;
  }
  finish_voice_answer();
}

void Interpreter::voice_answer_heard(speech::AsrResult result) {
  listening_ = false;
  speaking_ = false;
  voice_.hearing = false;
  if (voice_.heard) voice_.heard->wipe();
  voice_.heard = std::move(result);
  if (voice_.recording) return;  // the recording is still going: it ends the turn
  disarm_timer();
  finish_voice_answer();
}

void Interpreter::voice_answer_timeout() {
  stop_listening();
  voice_.hearing = false;
  finish_voice_answer();
}

void Interpreter::finish_voice_answer() {
  disarm_timer();
  state_ = State::kIdle;
  const Module& module = current();
  const VoiceAnswerSettings& settings = *module.voice_answer();
  const std::string shadow = module.name + "$.";
  const RecordResult* recorded = voice_.recorded ? &*voice_.recorded : nullptr;
  const speech::AsrResult* heard = voice_.heard ? &*voice_.heard : nullptr;

  if (recorded && recorded->outcome == RecordResult::Outcome::kError) {
    const std::string reason = recorded->reason;  // the host's I/O problem, never caller data
    wipe_voice_answer();
    voice_answer_error(reason);
    return;
  }
  const bool recorded_speech = recorded && recorded->outcome == RecordResult::Outcome::kDone;
  const bool spoke = recorded_speech || (heard && heard->status != speech::AsrStatus::kNoInput);
  const bool matched =
      heard && heard->status == speech::AsrStatus::kMatch && !heard->best.value.empty();
  if (!spoke || (settings.recognizes() && !matched)) {
    const std::string exit_name = spoke ? "nomatch" : "noinput";
    const bool wired = module.exits.count(exit_name) > 0;
    if (++failures_ <= settings.retries) {
      record(exit_name);
      wipe_voice_answer();
      present_voice_answer(module);
      return;
    }
    if (exit_name == "noinput" || (wired || !recorded_speech)) {
      // Out of retries. A no-match that was recorded and has no exit of its own is still an
      // answer (below): someone can listen to the recording.
      set_voice_answer_variables(module, "");
      variables_.set_value(shadow + "attempts", Value::number(failures_));
      record(exit_name);
      wipe_voice_answer();
      if (wired) {
        go_to(module.exits.at(exit_name));
      } else {
        apply_error_policy(exit_name);
      }
      return;
    }
  }
  std::string text = matched ? heard->best.value : std::string();
  set_voice_answer_variables(module, text);
  variables_.set_value(shadow + "attempts",
                       Value::number(std::min(failures_ + 1, settings.retries + 1)));
  if (matched) {
    variables_.set_value(shadow + "confidence", Value::number(heard->best.confidence),
                         module.is_private);
    variables_.set(shadow + "utterance", heard->best.words, module.is_private);
  }
  record_value("done", text.empty() ? std::string_view(recorded ? recorded->id : "")
                                    : std::string_view(text));
  secure_wipe(text);
  wipe_voice_answer();
  take_exit("done");
}

void Interpreter::set_voice_answer_variables(const Module& module, std::string_view text) {
  const std::string shadow = module.name + "$.";
  const RecordResult* recorded = voice_.recorded ? &*voice_.recorded : nullptr;
  const bool kept = recorded && recorded->outcome == RecordResult::Outcome::kDone;
  variables_.set(module.name, text, module.is_private);
  variables_.set(shadow + "inputmode", "voice");
  variables_.set(shadow + "recording", kept ? recorded->id : std::string());
  variables_.set(shadow + "path", kept ? recorded->path : std::string());
  const double seconds = recorded ? std::round(recorded->seconds * 10) / 10 : 0.0;
  variables_.set_value(shadow + "duration", Value::number(seconds));
  variables_.set(shadow + "status", recorded ? recorded->reason : std::string("recognized"));
  variables_.set(shadow + "termchar", recorded && recorded->termchar
                                          ? std::string(1, recorded->termchar)
                                          : std::string());
  variables_.set_value(shadow + "confidence", Value::number(0), module.is_private);
  variables_.set(shadow + "utterance", "", module.is_private);
}

void Interpreter::voice_answer_error(const std::string& reason) {
  const Module& module = current();
  record("error");
  variables_.set(module.name + "$.error", reason);
  if (auto it = module.exits.find("error"); it != module.exits.end()) {
    go_to(it->second);
  } else {
    finish("error:" + std::string(module_type_name(module.type())) + " failed", true);
  }
}

void Interpreter::wipe_voice_answer() {
  if (voice_.heard) voice_.heard->wipe();
  voice_ = VoiceAnswerTurn{};
}

}  // namespace keyline::flow
