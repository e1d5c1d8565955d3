#include "flow/interpreter.h"

#include <algorithm>

#include "flow/assistant_run.h"
#include "flow/compare.h"
#include "flow/input_modules.h"
#include "flow/secure_wipe.h"
#include "flow/soap_wsdl.h"
#include "flow/spoken_time.h"
#include "flow/sub_app_host.h"

namespace keyline::flow {
namespace {

// Modules executed back to back without waiting for the caller or the host. A real app waits
// (a prompt, an input) long before this; only a loop like "Go To Page A" on page A gets here.
constexpr int kMaxStepsWithoutWaiting = 1000;

constexpr std::string_view kPrivate = "[private]";

bool is_dtmf_key(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

}  // namespace

Interpreter::Interpreter(const AppDocument& app, FlowHost& host, Variables session_variables)
    : app_(app),
      host_(host),
      variables_(std::move(session_variables)),
      language_(app.settings.language) {
  if (!variables_.contains("session.name")) variables_.set("session.name", app_.name);
  for (const auto& [name, value] : app_.variables) {
    if (!variables_.contains(name)) variables_.set_value(name, value);
  }
  variables_.set("session.language", language_);
}

Interpreter::~Interpreter() {
  secure_wipe(typeahead_);
  if (speech_result_) speech_result_->wipe();
  if (web_response_) wipe(*web_response_);
  wipe_dynamic_options();
  wipe_pending_entry();
}

void Interpreter::start() { post(Event{Event::Kind::kStart}); }
void Interpreter::on_play_done() { post(Event{Event::Kind::kPlayDone}); }
void Interpreter::on_digit(char digit) { post(Event{Event::Kind::kDigit, digit}); }
void Interpreter::on_timer() { post(Event{Event::Kind::kTimer}); }
void Interpreter::on_hangup() { post(Event{Event::Kind::kHangup}); }
void Interpreter::on_web_response(WebResponse response) {
  if (web_response_) wipe(*web_response_);
  web_response_ = std::move(response);
  post(Event{Event::Kind::kWebResponse});
}
void Interpreter::on_speech_started() { post(Event{Event::Kind::kSpeechStarted}); }
void Interpreter::on_speech(speech::AsrResult result) {
  if (speech_result_) speech_result_->wipe();
  speech_result_ = std::move(result);
  post(Event{Event::Kind::kSpeech});
}

void Interpreter::on_record_done(RecordResult result) {
  record_result_ = std::move(result);
  post(Event{Event::Kind::kRecordDone});
}

void Interpreter::on_transfer_result(TransferResult result) {
  transfer_result_ = std::move(result);
  post(Event{Event::Kind::kTransferDone});
}

void Interpreter::on_message_done(MessageResult result) {
  message_result_ = std::move(result);
  post(Event{Event::Kind::kMessageDone});
}

// A host may call back from inside play() or start_timer() (a simulator, a test). Such events
// wait in the queue until the current one is fully handled, so the state machine never sees
// an event in the middle of a transition.
void Interpreter::post(Event event) {
  queue_.push_back(event);
  if (dispatching_) return;
  dispatching_ = true;
  while (!queue_.empty()) {
    const Event next = queue_.front();
    queue_.pop_front();
    if (!finished_) handle(next);
    update_private_input();
  }
  dispatching_ = false;
}

void Interpreter::handle(const Event& event) {
  if (state_ == State::kAssistant) {
    assistant_event(event);
    run();
    return;
  }
  if (state_ == State::kSubApp) {
    forward_to_sub_app(event);
    if (state_ == State::kSubApp || finished_) return;
    run();
    return;
  }
  switch (event.kind) {
    case Event::Kind::kStart:
      if (page_) return;  // already started
      page_ = app_.find_page(app_.start_page);
      if (!page_ || page_->modules.empty()) {
        finish("error:no start page", true);
        return;
      }
      index_ = 0;
      break;
    case Event::Kind::kPlayDone:
      if (state_ == State::kPrompt) {
        record("next");
        state_ = State::kIdle;
        take_exit("next");
      } else if (state_ == State::kInputPrompt) {
        begin_collecting();
      } else if (state_ == State::kRecordPrompt) {
        start_recording();
      } else if (state_ == State::kTransferPrompt) {
        start_transfer();
      } else if (state_ == State::kErrorPrompt) {
        error_prompt_done();
      } else if (state_ == State::kConfirmPrompt) {
        state_ = State::kConfirm;
        arm_timer(input_settings().initial_timeout);
      }
      break;
    case Event::Kind::kRecordDone: {
      if (!record_result_) return;
      RecordResult result = std::move(*record_result_);
      record_result_.reset();
      if (state_ != State::kRecording) return;  // stale
      state_ = State::kIdle;
      record_finished(result);
      break;
    }
    case Event::Kind::kTransferDone: {
      if (!transfer_result_) return;
      TransferResult result = std::move(*transfer_result_);
      transfer_result_.reset();
      if (state_ != State::kTransfer) return;  // stale
      state_ = State::kIdle;
      transfer_finished(result);
      break;
    }
    case Event::Kind::kDigit:
      handle_digit(event.digit);
      break;
    case Event::Kind::kTimer:
      if (state_ == State::kRecording && timer_armed_) {  // Name/Address: no recognizer answer
        timer_armed_ = false;
        voice_answer_timeout();
        break;
      }
      if (state_ == State::kConfirm && timer_armed_) {
        timer_armed_ = false;
        confirm_failed(InputOutcome::kNoInput);
        break;
      }
      if (state_ != State::kInput || !timer_armed_) return;  // a stale timer
      timer_armed_ = false;
      on_outcome(collector_.timeout());
      break;
    case Event::Kind::kWebResponse: {
      if (!web_response_) return;
      WebResponse response = std::move(*web_response_);
      web_response_.reset();
      if (state_ != State::kWebRequest) {  // not ours (stale): drop it, wiped
        wipe(response);
        return;
      }
      state_ = State::kIdle;
      if (current().type() == ModuleType::kSoap) {
        soap_answered(std::move(response));
      } else if (current().type() == ModuleType::kSubdialog) {
        subdialog_answered(std::move(response));
      } else if (current().type() == ModuleType::kAssistant) {
        assistant_answered(std::move(response));
      } else {
        rest_answered(std::move(response));
      }
      break;
    }
    case Event::Kind::kMessageDone: {
      if (!message_result_) return;
      MessageResult result = std::move(*message_result_);
      message_result_.reset();
      if (state_ != State::kMessage) return;  // stale
      state_ = State::kIdle;
      message_finished(std::move(result));
      break;
    }
    case Event::Kind::kSpeechStarted:
      handle_speech_started();
      break;
    case Event::Kind::kSpeech: {
      if (!speech_result_) return;
      speech::AsrResult result = std::move(*speech_result_);
      speech_result_.reset();
      handle_speech(std::move(result));
      break;
    }
    case Event::Kind::kHangup:
      stop_listening();
      if (state_ == State::kWebRequest) host_.cancel_web_request();
      if (state_ == State::kTransfer) host_.cancel_transfer();
      if (state_ == State::kMessage) host_.cancel_message();
      if (state_ == State::kPrompt || state_ == State::kInputPrompt ||
          state_ == State::kRecordPrompt || state_ == State::kTransferPrompt ||
          state_ == State::kErrorPrompt || state_ == State::kConfirmPrompt)
        host_.stop_playback();
      if (state_ != State::kIdle) record("hangup");
      // An assistant waiting for its turn's answer still hears that the caller is gone.
      if (state_ == State::kWebRequest && assistant_ && current().type() == ModuleType::kAssistant)
        assistant_send_hangup_turn();
      finish("caller_hangup", false);
      return;
  }
  run();
}

void Interpreter::handle_digit(char digit) {
  if (!is_dtmf_key(digit)) return;
  switch (state_) {
    case State::kPrompt:
      // A key during a prompt the caller may interrupt ends it and is kept for the next input
      // module; during one they may not, the key is dropped (as VoiceXML does).
      if (!std::get<PromptSettings>(current().settings).barge_in) return;
      host_.stop_playback();
      typeahead_ += digit;
      record("next");
      state_ = State::kIdle;
      take_exit("next");
      return;
    case State::kInputPrompt:
      if (!input_settings().barge_in) return;
      stop_listening();  // a key first: this entry is keyed
      host_.stop_playback();
      typeahead_ += digit;
      begin_collecting();
      return;
    case State::kInput: {
      // A key wins over speech in progress: keys are unambiguous, and an in-band key tone
      // sounds like speech to the VAD before the tone detector names the key.
      stop_listening();
      const InputOutcome outcome = collector_.add(digit);
      if (outcome == InputOutcome::kPending) {
        arm_timer(input_settings().inter_digit_timeout);
      } else {
        on_outcome(outcome);
      }
      return;
    }
    case State::kRecordPrompt:  // the recording has not started: the key is not an answer
    case State::kTransferPrompt:
    case State::kTransfer:  // a bridged call's keys are the far end's business (the host's)
      return;
    case State::kRecording:
      // Any key ends a recording; the host answers with on_record_done().
      host_.stop_record(digit);
      return;
    case State::kIdle:
    case State::kWebRequest:  // keys pressed meanwhile wait for the next input module
    case State::kMessage:
      if (state_ != State::kIdle) typeahead_ += digit;
      return;
    case State::kConfirmPrompt:  // the caller may answer over the read-back
      host_.stop_playback();
      state_ = State::kConfirm;
      confirm_key(digit);
      return;
    case State::kConfirm:
      confirm_key(digit);
      return;
    case State::kErrorPrompt:  // a goodbye or hand-over message: not an answer to anything
    case State::kSubApp:       // forwarded before we get here
    case State::kAssistant:    // ditto (interpreter_assistant.cc)
    case State::kDone:
      return;
  }
}

void Interpreter::run() {
  while (!finished_ && state_ == State::kIdle) {
    if (++steps_since_wait_ > kMaxStepsWithoutWaiting) {
      finish("error:loop", true);
      return;
    }
    execute(current());
  }
}

void Interpreter::execute(const Module& module) {
  switch (module.type()) {
    case ModuleType::kPrompt: {
      const auto& prompt = std::get<PromptSettings>(module.settings);
      if (prompt.barge_in && !typeahead_.empty()) {
        // The caller is already answering ahead: a prompt they could interrupt is skipped.
        record("next");
        take_exit("next");
        return;
      }
      if (!prompt.barge_in) secure_wipe(typeahead_);
      play(prompt.text, prompt.barge_in, module.is_private, State::kPrompt, &prompt);
      return;
    }
    case ModuleType::kMenu:
    case ModuleType::kDigits:
    case ModuleType::kNumber:
    case ModuleType::kYesNo:
    case ModuleType::kDateTime:
    case ModuleType::kCustomField:
    case ModuleType::kDynamicMenu:
    case ModuleType::kLanguage:
      begin_input();
      return;
    case ModuleType::kSetVariable:
      run_set_variable(module);
      return;
    case ModuleType::kCounter:
      run_counter(module);
      return;
    case ModuleType::kCallLog:
      run_call_log(module);
      return;
    case ModuleType::kEvaluateJs:
      run_evaluate_js(module);
      return;
    case ModuleType::kLabel:
      record("next");
      take_exit("next");
      return;
    case ModuleType::kCompareVariable: {
      const auto& compare = std::get<CompareSettings>(module.settings);
      for (std::size_t i = 0; i < compare.rows.size(); ++i) {
        const CompareRow& row = compare.rows[i];
        std::string left = row.variable.empty() ? substitute(row.expression, variables_)
                                                : variables_.get(row.variable).value_or("");
        std::string right = substitute(row.value, variables_);
        const bool match = compare_values(left, row.op, right, compare.compare_as);
        secure_wipe(left);
        secure_wipe(right);
        if (match) {
          record("match:" + std::to_string(i + 1));
          go_to(row.target);
          return;
        }
      }
      record("next");
      take_exit("next");
      return;
    }
    case ModuleType::kGoToPage: {
      const auto& go = std::get<GoToPageSettings>(module.settings);
      record("goto:" + go.target.page);
      go_to(go.target);
      return;
    }
    case ModuleType::kExit:
      record("exit");
      finish("exit_module", true);
      return;
    case ModuleType::kRest:
      run_rest(module);
      return;
    case ModuleType::kRecord:
      run_record(module);
      return;
    case ModuleType::kTransfer:
      run_transfer(module);
      return;
    case ModuleType::kEmail:
    case ModuleType::kSms:
      run_message(module);
      return;
    case ModuleType::kSoap:
      run_soap(module);
      return;
    case ModuleType::kGoToApp:
      run_goto_app(module);
      return;
    case ModuleType::kSubdialog:
      run_subdialog(module);
      return;
    case ModuleType::kName:
    case ModuleType::kAddress:
      run_voice_answer(module);  // interpreter_name_address.cc
      return;
    case ModuleType::kAssistant:
      run_assistant(module);
      return;
    case ModuleType::kCallRecording:
      run_call_recording(module);  // interpreter_call_recording.cc
      return;
  }
}

void Interpreter::play(std::string_view text, bool barge_in, bool is_private_module,
                       State next_state, const PromptSettings* prompt) {
  // Time variables are computed when a prompt is about to be spoken, so they are current.
  const auto now = host_.wall_now();
  variables_.set("session.time", spoken_time(now));
  variables_.set("session.date", spoken_date(now));
  PlayRequest request;
  bool used_private = false;
  if (prompt && !prompt->prompt_id.empty()) {
    // The table's text for the session language is the TTS fallback of the id's audio; the
    // module's own text only when the table has none.
    request.prompt_id = prompt->prompt_id;
    const PromptEntry* entry = app_.find_prompt(prompt->prompt_id, language_);
    if (entry && !entry->text.empty()) text = entry->text;
  }
  request.exclude_from_cache = prompt && prompt->exclude_from_cache;
  request.text = substitute(text, variables_, &used_private);
  request.barge_in = barge_in;
  request.contains_private = used_private || is_private_module;
  request.language = language_;
  state_ = next_state;
  steps_since_wait_ = 0;
  host_.play(request);
  secure_wipe(request.text);
}

const InputSettings& Interpreter::input_settings() const { return *input_view(current()).input; }

void Interpreter::begin_input() {
  failures_ = 0;
  if (current().type() == ModuleType::kDynamicMenu && !prepare_dynamic_menu(current())) return;
  present_input("");
}

// Plays the module's prompt (after `lead_in` on a re-prompt), or goes straight to collecting
// when the caller has typed ahead and may interrupt.
void Interpreter::present_input(std::string_view lead_in) {
  const InputSettings& input = input_settings();
  if (input.barge_in && !typeahead_.empty()) {
    begin_collecting();
    return;
  }
  if (!input.barge_in) secure_wipe(typeahead_);
  std::string text(lead_in);
  auto say = [&text](std::string_view part) {
    if (part.empty()) return;
    if (!text.empty()) text += ' ';
    text += part;
  };
  say(input_view(current()).prompt);
  bool is_private = current().is_private;
  if (current().type() == ModuleType::kDynamicMenu) {
    for (const auto& option : dynamic_options_) say(option.prompt);
    is_private = is_private || dynamic_private_;
  }
  // A prompt-table id plays its recording. A re-prompt's lead-in is words, so then the id's
  // table text is spoken after it instead (one prompt is either a recording or speech).
  const std::string_view prompt_id = input_view(current()).prompt_id;
  PromptSettings by_id;
  if (!prompt_id.empty()) {
    by_id.prompt_id = std::string(prompt_id);
    const PromptEntry* entry = app_.find_prompt(prompt_id, language_);
    const std::string_view table_text = entry ? std::string_view(entry->text) : "";
    if (!lead_in.empty()) {
      secure_wipe(text);
      text = std::string(lead_in);
      say(table_text.empty() ? input_view(current()).prompt : table_text);
      by_id.prompt_id.clear();
    }
  }
  play(text, input.barge_in, is_private, State::kInputPrompt,
       by_id.prompt_id.empty() ? nullptr : &by_id);
  secure_wipe(text);
  // With barge-in the caller may answer over the prompt, so the recognizer listens already.
  if (input.barge_in && state_ == State::kInputPrompt) start_listening();
}

void Interpreter::begin_collecting() {
  state_ = State::kInput;
  collector_ = make_input_collector(current(), dynamic_options_);
  while (!typeahead_.empty()) {
    const char key = typeahead_.front();
    typeahead_.erase(0, 1);
    const InputOutcome outcome = collector_.add(key);
    if (outcome != InputOutcome::kPending) {
      on_outcome(outcome);
      return;
    }
  }
  const InputSettings& input = input_settings();
  if (collector_.empty()) start_listening();  // no key yet: speech may still answer
  if (speaking_) return;                      // the recognizer ends the turn (speech barge-in)
  arm_timer(collector_.empty() ? input.initial_timeout : input.inter_digit_timeout);
}

void Interpreter::on_outcome(InputOutcome outcome) {
  disarm_timer();
  stop_listening();
  if (outcome == InputOutcome::kSuccess) {
    input_succeeded();
  } else {
    input_failed(outcome);
  }
}

void Interpreter::input_succeeded() {
  accept_entry(collector_.value(), collector_.termchar(), nullptr);
}

void Interpreter::accept_entry(std::string_view keys, char termchar,
                               const speech::AsrHypothesis* heard) {
  const Module& module = current();
  // A Custom Field's spoken value is the words (or phrase) heard; its pattern is for keys.
  std::optional<Value> value = heard && module.type() == ModuleType::kCustomField
                                   ? std::optional<Value>(Value::string(std::string(keys)))
                                   : convert_input(module, keys, dynamic_options_);
  if (!value) {  // complete, but not a valid entry (no such date, too many decimals, ...)
    input_failed(InputOutcome::kNoMatch);
    return;
  }
  if (module.confirm.enabled) {
    begin_confirmation(std::move(*value), keys, termchar, heard);
    return;
  }
  commit_entry(std::move(*value), keys, termchar, heard);
}

void Interpreter::commit_entry(Value entry, std::string_view keys, char termchar,
                               const speech::AsrHypothesis* heard) {
  const Module& module = current();
  const std::optional<Value> value(std::move(entry));
  variables_.set_value(module.name, *value, module.is_private);
  set_input_shadows(module, heard ? value->to_text().size() : keys.size(), termchar, heard);
  state_ = State::kIdle;
  if (const auto* menu = std::get_if<MenuSettings>(&module.settings)) {
    const char key = keys.front();
    record_value("", keys);
    collector_.wipe();
    auto option = std::find_if(menu->options.begin(), menu->options.end(),
                               [key](const MenuOption& o) { return o.key == key; });
    go_to(option->target);  // the collector (and speech_entry) only succeed on an option key
    return;
  }
  collector_.wipe();
  std::string text = value->to_text();
  record_value("success", text);
  if (module.type() == ModuleType::kLanguage) {
    language_ = text;
    variables_.set("session.language", language_);
  }
  // Yes/No may wire "yes" and "no" exits; either falls back to "success".
  if (module.type() == ModuleType::kYesNo && module.exits.count(text)) {
    secure_wipe(text);
    take_exit(value->as_string());
    return;
  }
  secure_wipe(text);
  take_exit("success");
}

void Interpreter::input_failed(InputOutcome outcome) {
  collector_.wipe();
  // Keys typed after a wrong one belong to the wrong entry, not to the re-prompt.
  secure_wipe(typeahead_);
  const bool no_input = outcome == InputOutcome::kNoInput;
  const std::string exit_name = no_input ? "noinput" : "nomatch";
  state_ = State::kIdle;
  if (++failures_ <= input_settings().retries) {
    const InputView view = input_view(current());
    present_input(no_input ? view.noinput_prompt : view.nomatch_prompt);
    return;
  }
  record(exit_name);
  variables_.set_value(current().name + "$.attempts", Value::number(failures_));
  const auto& exits = current().exits;
  if (auto it = exits.find(exit_name); it != exits.end()) {
    go_to(it->second);
  } else {
    apply_error_policy(exit_name);
  }
}

void Interpreter::record(std::string result) {
  const Module& module = current();
  visits_.push_back(ModuleVisit{page_->name, module.name,
                                std::string(module_type_name(module.type())), std::move(result)});
}

void Interpreter::record_value(std::string_view exit, std::string_view value) {
  const std::string_view shown = current().is_private ? kPrivate : value;
  record(exit.empty() ? std::string(shown) : std::string(exit) + ":" + std::string(shown));
}

void Interpreter::take_exit(std::string_view exit_name) {
  const auto& exits = current().exits;
  if (auto it = exits.find(std::string(exit_name)); it != exits.end()) {
    go_to(it->second);
  } else {
    next_module();
  }
}

void Interpreter::go_to(const Target& target) {
  const Page* page = app_.find_page(target.page);
  if (page) {
    for (std::size_t i = 0; i < page->modules.size(); ++i) {
      if (page->modules[i].name == target.module) {
        page_ = page;
        index_ = i;
        return;
      }
    }
  }
  // parse_app checks every target, so only a hand-built document can get here.
  finish("error:no module " + target.module + " on page " + target.page, true);
}

void Interpreter::next_module() {
  if (index_ + 1 < page_->modules.size()) {
    ++index_;
  } else {
    finish("end_of_flow", true);
  }
}

void Interpreter::arm_timer(std::chrono::milliseconds delay) {
  timer_armed_ = true;
  steps_since_wait_ = 0;
  host_.start_timer(delay);
}

void Interpreter::disarm_timer() {
  if (!timer_armed_) return;
  timer_armed_ = false;
  host_.cancel_timer();
}

void Interpreter::finish(std::string reason, bool hang_up) {
  if (finished_) return;
  finished_ = true;
  state_ = State::kDone;
  exit_reason_ = std::move(reason);
  disarm_timer();
  stop_listening();
  if (speech_result_) speech_result_->wipe();
  wipe_voice_answer();
  collector_.wipe();
  secure_wipe(typeahead_);
  wipe_dynamic_options();
  if (web_response_) wipe(*web_response_);
  wipe_pending_entry();
  if (hang_up) host_.hangup();
}

}  // namespace keyline::flow
