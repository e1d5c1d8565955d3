// The Record module, and telling the host when a private input module is collecting so that a
// whole-call recording pauses for it.
#include <cmath>
#include <cstdio>

#include "flow/interpreter.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {

void Interpreter::run_record(const Module& module) {
  const auto& settings = std::get<RecordSettings>(module.settings);
  // Keys typed ahead belong to no recording: a Record module is not answered by keys.
  secure_wipe(typeahead_);
  if (settings.prompt.empty()) {
    start_recording();
    return;
  }
  // The prompt is heard to its end: a key during it would end a recording not yet begun.
  play(settings.prompt, false, module.is_private, State::kRecordPrompt);
}

void Interpreter::start_recording() {
  const Module& module = current();
  if (module.voice_answer()) {  // Name / Address (interpreter_name_address.cc)
    start_voice_answer();
    return;
  }
  const auto& settings = std::get<RecordSettings>(module.settings);
  RecordRequest request;
  request.module = module.name;
  request.beep = settings.beep;
  request.max_length = settings.max_length;
  request.final_silence = settings.final_silence;
  request.no_input = settings.no_input;
  state_ = State::kRecording;
  steps_since_wait_ = 0;
  host_.start_record(request);
}

void Interpreter::record_finished(const RecordResult& result) {
  const Module& module = current();
  if (module.voice_answer()) {
    voice_answer_recorded(result);
    return;
  }
  const std::string shadow = module.name + "$.";
  variables_.set(shadow + "status", result.reason);
  variables_.set(shadow + "termchar",
                 result.termchar ? std::string(1, result.termchar) : std::string());
  // Tenths of a second: what a builder compares against; the file holds the exact length.
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", std::round(result.seconds * 10) / 10);
  variables_.set_value(shadow + "duration", Value::number(std::round(result.seconds * 10) / 10));
  switch (result.outcome) {
    case RecordResult::Outcome::kDone:
      variables_.set(module.name, result.id);
      variables_.set(shadow + "path", result.path);
      record("done:" + result.id + " (" + seconds + " s)");
      take_exit("done");
      return;
    case RecordResult::Outcome::kNoInput:
      record("noinput");
      if (auto it = module.exits.find("noinput"); it != module.exits.end()) {
        go_to(it->second);
      } else {
        finish("max_retries", true);
      }
      return;
    case RecordResult::Outcome::kError:
      // The error text is the host's (an I/O problem), never caller data.
      record("error");
      variables_.set(shadow + "error", result.reason);
      if (auto it = module.exits.find("error"); it != module.exits.end()) {
        go_to(it->second);
      } else {
        finish("error:recording failed", true);
      }
      return;
  }
}

void Interpreter::update_private_input() {
  bool active = false;
  if (!finished_ && page_ &&
      (state_ == State::kInputPrompt || state_ == State::kInput ||
       state_ == State::kConfirmPrompt || state_ == State::kConfirm ||
       state_ == State::kAssistant ||
       (state_ == State::kWebRequest && current().type() == ModuleType::kAssistant))) {
    active =
        current().is_private || (current().type() == ModuleType::kDynamicMenu && dynamic_private_);
  }
  // A private Name / Address module: from its prompt until it has its answer.
  if (!finished_ && page_ && (state_ == State::kRecordPrompt || state_ == State::kRecording) &&
      current().voice_answer() && current().is_private)
    active = true;
  if (active == private_input_) return;
  private_input_ = active;
  host_.private_input(active);
  // The call log shows where the whole-call recording has a hole, and why; never a value.
  if (app_.settings.record_call == AppSettings::CallRecording::kOff || !page_) return;
  if (active) {
    visits_.push_back(ModuleVisit{page_->name, current().name, "recording", "paused"});
    return;
  }
  // Resumed is named after the module that paused it: the flow has already moved on.
  for (auto it = visits_.rbegin(); it != visits_.rend(); ++it) {
    if (it->type == "recording" && it->result == "paused") {
      visits_.push_back(ModuleVisit{it->page, it->module, "recording", "resumed"});
      return;
    }
  }
}

}  // namespace keyline::flow
