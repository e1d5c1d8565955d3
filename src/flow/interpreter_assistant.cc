// The Assistant module (docs/apps.md, "assistant"): a conversation with a remote service, one
// HTTPS POST per caller turn. The answer's actions run in order; the turn's input (keys,
// speech, or nothing) becomes the next POST, until an `end`, `hangup` or `transfer` action,
// or the failure path. Part of Interpreter. The request goes out through send_web_request,
// so the app's egress rules and the secure-app rules apply as they do to REST.
#include <cmath>

#include "flow/app_egress.h"
#include "flow/assistant_run.h"
#include "flow/message_request.h"
#include "flow/rest_module.h"
#include "flow/transfer_request.h"

namespace keyline::flow {
namespace {

using Kind = AssistantAction::Kind;

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string::npos; }

// The turn's request as a REST POST_RAW with no body: build_rest_request then substitutes the
// URL, headers and auth exactly as for a REST module. The JSON body is added after it, never
// substituted, so text the caller said cannot name a variable.
Module as_rest_module(const Module& module) {
  const auto& s = std::get<AssistantSettings>(module.settings);
  RestSettings rest;
  rest.method = RestMethod::kPostRaw;
  rest.url = s.url;
  rest.headers = s.headers;
  rest.timeout = s.timeout;
  rest.return_type = RestReturnType::kJson;
  rest.auth = s.auth == AssistantSettings::Auth::kBasic    ? RestSettings::Auth::kBasic
              : s.auth == AssistantSettings::Auth::kBearer ? RestSettings::Auth::kBearer
                                                           : RestSettings::Auth::kNone;
  rest.auth_user = s.auth_user;
  rest.auth_password = s.auth_password;
  rest.auth_token = s.auth_token;
  Module out;
  out.name = module.name;
  out.is_private = module.is_private;
  out.settings = std::move(rest);
  return out;
}

}  // namespace

void Interpreter::run_assistant(const Module& module) {
  const auto& s = std::get<AssistantSettings>(module.settings);
  assistant_ = std::make_unique<AssistantRun>();
  assistant_->barge_in = s.barge_in;
  assistant_->variables = Value::map({});
  assistant_->next.event = "start";
  assistant_send_turn();
}

void Interpreter::assistant_send_turn() {
  const Module& module = current();
  const auto& s = std::get<AssistantSettings>(module.settings);
  AssistantRun& run = *assistant_;
  if (run.turn >= s.max_turns) {
    assistant_failed("more than " + std::to_string(s.max_turns) + " turns");
    return;
  }
  run.next.turn = ++run.turn;
  Result<WebRequest> request = assistant_turn_request(module);
  run.wait = AssistantRun::Wait::kNone;
  send_web_request(module, std::move(request));  // on failure: rest_failed -> assistant_failed
}

Result<WebRequest> Interpreter::assistant_turn_request(const Module& module) {
  const auto& s = std::get<AssistantSettings>(module.settings);
  AssistantRun& run = *assistant_;
  AssistantSessionInfo session;
  session.id = variables_.get("session.id").value_or("");
  session.ani = variables_.get("session.connection.ani").value_or("");
  session.dnis = variables_.get("session.connection.dnis").value_or("");
  session.app = app_.name;
  bool used_private = module.is_private;
  Value::Map context;
  for (const auto& [name, text] : s.context)
    context.emplace_back(name, Value::string(substitute(text, variables_, &used_private)));
  const Value context_value = Value::map(std::move(context));
  Result<WebRequest> request = build_rest_request(as_rest_module(module), variables_);
  if (request) {
    request->body = assistant_request_json(session, run.next, context_value, run.variables);
    request->headers.emplace_back("Content-Type", "application/json");
    request->carries_private = request->carries_private || used_private;
    if (used_private && request->url.rfind("https://", 0) != 0) {
      wipe(*request);
      request = make_error("assistant", "a private value may only be sent over https");
    }
  }
  secure_wipe(run.next.dtmf);
  secure_wipe(run.next.utterance);
  run.next = AssistantTurn{};
  return request;
}

void Interpreter::assistant_send_hangup_turn() {
  const Module& module = current();
  AssistantRun& run = *assistant_;
  run.next = AssistantTurn{};
  run.next.event = "hangup";
  run.next.turn = ++run.turn;
  Result<WebRequest> request = assistant_turn_request(module);
  if (!request) return;  // the same refusal the conversation met; nothing to send
  if (!host_.send_final_web_request(*request)) wipe(*request);
}

void Interpreter::assistant_answered(WebResponse response) {
  const Module& module = current();
  AssistantRun& run = *assistant_;
  state_ = State::kAssistant;
  if (response.outcome != WebResponse::Outcome::kResponse) {
    const bool timed_out = response.outcome == WebResponse::Outcome::kTimeout;
    std::string message = timed_out ? "turn timeout" : "no response";
    if (!response.error.empty()) message += " (" + response.error + ")";
    wipe(response);
    assistant_failed(message);
    return;
  }
  if (response.status < 200 || response.status >= 300) {
    const int status = response.status;
    wipe(response);
    assistant_failed("HTTP status " + std::to_string(status));
    return;
  }
  auto answer = parse_assistant_response(response.body, module.is_private);
  wipe(response);
  if (!answer) {
    assistant_failed(answer.error().message);
    return;
  }
  if (answer->variables) {
    run.variables.wipe();
    run.variables = std::move(*answer->variables);
  }
  for (auto& a : run.actions) secure_wipe(a.text);
  run.actions = std::move(answer->actions);
  run.next_action = 0;
  run.skip_plays = false;
  run.collect.reset();
  run.phrases.clear();
  // The call log keeps the turn number and the actions' names; never text, keys or words.
  std::string names;
  for (const auto& a : run.actions)
    names += (names.empty() ? "" : ",") + std::string(assistant_action_name(a.kind));
  record("turn:" + std::to_string(run.turn) + ":" + (names.empty() ? "none" : names));
  assistant_run_actions();
}

void Interpreter::assistant_run_actions() {
  const Module& module = current();
  AssistantRun& run = *assistant_;
  state_ = State::kAssistant;
  steps_since_wait_ = 0;
  while (run.next_action < run.actions.size()) {
    const AssistantAction& a = run.actions[run.next_action++];
    switch (a.kind) {
      case Kind::kPlayText: {
        if (run.skip_plays) break;
        PlayRequest request;
        request.text = a.text;
        request.barge_in = a.has_barge_in ? a.barge_in : run.barge_in;
        request.contains_private = module.is_private;
        request.exclude_from_cache = a.exclude_from_cache;
        request.language = language_;
        run.play_barge_in = request.barge_in && !run.dtmf_paused;
        run.wait = AssistantRun::Wait::kPlay;
        host_.play(request);
        secure_wipe(request.text);
        return;
      }
      case Kind::kCollectDtmf:
        run.collect = a.collect;
        break;
      case Kind::kCollectSpeech:
        run.phrases = a.phrases;
        run.confidence_threshold =
            a.confidence_threshold >= 0 ? a.confidence_threshold : run.asr_confidence;
        break;
      case Kind::kBargeIn:
        run.barge_in = a.barge_in;
        break;
      case Kind::kPauseDtmf:
      case Kind::kResumeDtmf:
        run.dtmf_paused = a.kind == Kind::kPauseDtmf;
        break;
      case Kind::kPauseSpeech:
      case Kind::kResumeSpeech:
        run.speech_paused = a.kind == Kind::kPauseSpeech;
        break;
      case Kind::kSetTts:
      case Kind::kSetAsr:
        // The voice follows the language (settings.voices) unless set_tts names one, which
        // the host applies to that language for the rest of the call.
        if (!a.language.empty()) {
          language_ = a.language;
          variables_.set("session.language", language_);
        }
        // An unknown voice is the service's mistake, not the caller's: the call goes on with
        // the current voice, and the line names no voice (the answer is the service's data).
        if (a.kind == Kind::kSetTts && !a.voice.empty() && !host_.set_voice(a.voice, language_))
          record("set_tts:unknown_voice");
        if (a.confidence_percent >= 0) run.asr_confidence = a.confidence_percent / 100.0;
        break;
      case Kind::kPlayUrl: {
        if (run.skip_plays) break;
        // The app's egress rules apply to audio as to its web requests.
        if (app_egress_refusal(app_.settings, a.url)) {
          record("play_url:refused");
          break;
        }
        PlayRequest request;
        request.audio_url = a.url;
        request.barge_in = a.has_barge_in ? a.barge_in : run.barge_in;
        request.language = language_;
        run.play_barge_in = request.barge_in && !run.dtmf_paused;
        run.wait = AssistantRun::Wait::kPlay;
        host_.play(request);
        return;
      }
      case Kind::kSendSipInfo:
        assistant_send_sip_info(a);
        break;
      case Kind::kSendSms: {
        // SMS is not a secure channel: a secure app or a private module sends none.
        if (app_.settings.secure || module.is_private) {
          record("send_sms:refused");
          break;
        }
        MessageRequest request;
        request.channel = MessageRequest::Channel::kSms;
        request.to.push_back(
            a.target.empty() ? variables_.get("session.connection.ani").value_or("") : a.target);
        request.body = a.text;
        request.module = module.name;
        run.wait = AssistantRun::Wait::kMessage;
        if (host_.send_message(request)) return;
        run.wait = AssistantRun::Wait::kNone;
        record("send_sms:error");
        break;
      }
      case Kind::kTransfer:
        assistant_transfer(a);
        return;
      case Kind::kHangup:
        assistant_stop_all();
        variables_.set_value(module.name + "$.turns", Value::number(run.turn));
        record("hangup");
        finish("assistant_hangup", true);
        return;
      case Kind::kEnd: {
        assistant_stop_all();
        Value vars = std::move(run.actions[run.next_action - 1].variables);
        variables_.set_value(module.name, std::move(vars), module.is_private);
        variables_.set_value(module.name + "$.turns", Value::number(run.turn));
        variables_.set(module.name + "$.error", "");
        record("done:" + std::to_string(run.turn));
        assistant_.reset();
        state_ = State::kIdle;
        take_exit("done");
        return;
      }
      case Kind::kUnknown:
        record("skipped:" + std::string(assistant_action_name(a.kind)));
        break;
    }
  }
  assistant_begin_input();
}

// The actions are done: the caller's answer is this turn's input.
void Interpreter::assistant_begin_input() {
  const Module& module = current();
  const auto& s = std::get<AssistantSettings>(module.settings);
  AssistantRun& run = *assistant_;
  if (!run.collect) {  // no collect_dtmf: any keys up to '#' or a pause
    run.collect = AssistantDtmfCollect{};
    run.collect->term_key = '#';
  }
  run.wait = AssistantRun::Wait::kCollect;
  run.digits.clear();
  if (!run.phrases.empty() && !run.speech_paused) {
    SpeechRequest request;
    std::vector<speech::MenuChoice> choices;
    for (const auto& phrase : run.phrases) choices.push_back({phrase, {phrase}});
    request.grammar = speech::Grammar::menu(std::move(choices));
    request.confidence_threshold = run.confidence_threshold;
    request.is_private = module.is_private;
    request.no_input_timeout = run.collect->timeout.value_or(s.noinput_timeout);
    if (speech::validate(request.grammar)) run.listening = host_.start_recognition(request);
  }
  // Keys pressed over the prompts (barge-in) or while the turn was out count first.
  std::string ahead;
  ahead.swap(typeahead_);
  for (char key : ahead) {
    assistant_digit(key);
    if (!assistant_ || run.wait != AssistantRun::Wait::kCollect) break;
  }
  secure_wipe(ahead);
  if (!assistant_ || run.wait != AssistantRun::Wait::kCollect) return;
  arm_timer(run.digits.empty() ? run.collect->timeout.value_or(s.noinput_timeout)
                               : run.collect->inter_digit_timeout.value_or(s.inter_digit_timeout));
}

void Interpreter::assistant_digit(char digit) {
  const auto& s = std::get<AssistantSettings>(current().settings);
  AssistantRun& run = *assistant_;
  if (run.dtmf_paused) return;
  switch (run.wait) {
    case AssistantRun::Wait::kPlay:
      if (!run.play_barge_in) return;
      // Barge-in: the caller is answering, so this turn's remaining prompts are not played;
      // its other actions still run.
      host_.stop_playback();
      typeahead_ += digit;
      run.skip_plays = true;
      run.wait = AssistantRun::Wait::kNone;
      assistant_run_actions();
      return;
    case AssistantRun::Wait::kMessage:
      typeahead_ += digit;
      return;
    case AssistantRun::Wait::kCollect:
      break;
    default:
      return;
  }
  const AssistantDtmfCollect& c = *run.collect;
  if (run.listening && c.ignore_speech) {
    run.listening = false;
    host_.stop_recognition();
  }
  if (c.term_key && digit == c.term_key) {
    run.next.term_key = digit;
    assistant_input_done("dtmf");
    return;
  }
  run.digits += digit;
  const int n = static_cast<int>(run.digits.size());
  if ((c.count && n >= c.count) || (!c.count && n >= c.max)) {
    assistant_input_done("dtmf");
    return;
  }
  arm_timer(c.inter_digit_timeout.value_or(s.inter_digit_timeout));
}

// The turn's input is complete: `event` is "dtmf", "speech", "noinput" or "nomatch" (the
// utterance is already in run.next for "speech").
void Interpreter::assistant_input_done(std::string event) {
  AssistantRun& run = *assistant_;
  disarm_timer();
  if (run.listening) {
    run.listening = false;
    host_.stop_recognition();
  }
  if (event == "dtmf") {
    const AssistantDtmfCollect& c = *run.collect;
    const int n = static_cast<int>(run.digits.size());
    run.next.dtmf.swap(run.digits);
    run.next.dtmf_complete = c.count ? n == c.count : n >= c.min;
  }
  secure_wipe(run.digits);
  run.next.event = std::move(event);
  assistant_send_turn();
}

void Interpreter::assistant_event(const Event& event) {
  AssistantRun& run = *assistant_;
  switch (event.kind) {
    case Event::Kind::kPlayDone:
      if (run.wait == AssistantRun::Wait::kPlay) {
        run.wait = AssistantRun::Wait::kNone;
        assistant_run_actions();
      } else if (run.wait == AssistantRun::Wait::kFailurePrompt) {
        run.wait = AssistantRun::Wait::kNone;
        assistant_failure_action();
      }
      return;
    case Event::Kind::kDigit:
      assistant_digit(event.digit);
      return;
    case Event::Kind::kTimer:
      if (run.wait != AssistantRun::Wait::kCollect || !timer_armed_) return;
      timer_armed_ = false;
      assistant_input_done(run.digits.empty() ? "noinput" : "dtmf");
      return;
    case Event::Kind::kSpeechStarted:
      if (run.wait == AssistantRun::Wait::kCollect && run.listening)
        disarm_timer();  // the recognizer ends it
      return;
    case Event::Kind::kSpeech: {
      if (!speech_result_) return;
      speech::AsrResult result = std::move(*speech_result_);
      speech_result_.reset();
      if (run.wait != AssistantRun::Wait::kCollect || !run.listening || !run.digits.empty()) {
        result.wipe();
        return;
      }
      run.listening = false;
      if (result.status == speech::AsrStatus::kMatch) {
        run.next.utterance = result.best.words;
        run.next.confidence = result.best.confidence;
      }
      const auto status = result.status;
      result.wipe();
      assistant_input_done(status == speech::AsrStatus::kMatch     ? "speech"
                           : status == speech::AsrStatus::kNoMatch ? "nomatch"
                                                                   : "noinput");
      return;
    }
    case Event::Kind::kTransferDone: {
      if (!transfer_result_) return;
      TransferResult result = std::move(*transfer_result_);
      transfer_result_.reset();
      if (run.wait == AssistantRun::Wait::kTransfer ||
          run.wait == AssistantRun::Wait::kFailureTransfer)
        assistant_transfer_done(result);
      return;
    }
    case Event::Kind::kMessageDone: {
      if (!message_result_) return;
      const bool sent = message_result_->sent;
      message_result_.reset();
      if (run.wait != AssistantRun::Wait::kMessage) return;
      record(sent ? "send_sms:sent" : "send_sms:error");
      run.wait = AssistantRun::Wait::kNone;
      assistant_run_actions();
      return;
    }
    case Event::Kind::kWebResponse:  // stale (the state would be kWebRequest): dropped
      if (web_response_) wipe(*web_response_);
      web_response_.reset();
      return;
    case Event::Kind::kHangup:
      if (run.wait == AssistantRun::Wait::kTransfer ||
          run.wait == AssistantRun::Wait::kFailureTransfer)
        host_.cancel_transfer();
      if (run.wait == AssistantRun::Wait::kMessage) host_.cancel_message();
      assistant_stop_all();
      record("hangup");
      assistant_send_hangup_turn();
      finish("caller_hangup", false);
      return;
    default:
      return;
  }
}

// Ends what the turn has going with the host (prompt, recogniser, timer) before leaving.
void Interpreter::assistant_stop_all() {
  AssistantRun& run = *assistant_;
  if (run.wait == AssistantRun::Wait::kPlay || run.wait == AssistantRun::Wait::kFailurePrompt)
    host_.stop_playback();
  if (run.listening) {
    run.listening = false;
    host_.stop_recognition();
  }
  disarm_timer();
  run.wait = AssistantRun::Wait::kNone;
  secure_wipe(typeahead_);
}

// SIP INFO is signalling the far end may log: like SMS, a private module or a secure app sends
// none.
void Interpreter::assistant_send_sip_info(const AssistantAction& action) {
  if (app_.settings.secure || current().is_private) {
    record("send_sip_info:refused");
    return;
  }
  SipInfoRequest request;
  bool ok = !has_line_break(action.content_type);
  for (const auto& [name, value] : action.headers) {
    ok = ok && is_assistant_sip_header_name(name) && !has_line_break(value);
    request.headers.emplace_back(name, value);
  }
  request.content_type = action.content_type;
  request.body = action.body;
  record(ok && host_.send_sip_info(request) ? "send_sip_info:sent" : "send_sip_info:error");
}

// Transfer by hang-up (IBM's transferMethod HANGUP): the BYE names the target in a header, for
// a PBX or IVR in front of us that re-routes the caller when it sees it.
void Interpreter::assistant_transfer_by_hangup(const AssistantAction& action) {
  AssistantRun& run = *assistant_;
  const Module& module = current();
  std::string problem = check_transfer_target(action.target);
  std::string target = normalize_transfer_target(action.target);
  if (target.rfind("sip:", 0) != 0 && target.rfind("sips:", 0) != 0 && target.rfind("tel:", 0) != 0)
    target = "tel:" + target;
  std::vector<std::pair<std::string, std::string>> headers;
  if (!is_assistant_sip_header_name(action.target_header)) problem = "a bad target_header";
  headers.emplace_back(action.target_header, target);
  for (const auto& [name, value] : action.headers) {
    if (!is_transfer_header_name(name) || has_line_break(value)) problem = "a bad header";
    headers.emplace_back(name, value);
  }
  if (!action.uui.empty()) {
    if (has_line_break(action.uui)) problem = "a bad uui";
    headers.emplace_back("User-to-User", action.uui);
  }
  record("transfer");
  if (problem.empty() && host_.set_bye_headers(headers)) {
    assistant_stop_all();
    variables_.set_value(module.name + "$.turns", Value::number(run.turn));
    record("transferred");
    finish("transferred", true);
    return;
  }
  run.wait = AssistantRun::Wait::kTransfer;
  TransferResult failed;
  failed.error = problem.empty() ? "this host cannot transfer by hang-up" : problem;
  assistant_transfer_done(failed);
}

void Interpreter::assistant_transfer(const AssistantAction& action) {
  if (action.method == "hangup") {
    assistant_transfer_by_hangup(action);
    return;
  }
  AssistantRun& run = *assistant_;
  TransferRequest request;
  request.module = current().name;
  request.mode = action.mode == "bridged" ? TransferMode::kBridged : TransferMode::kBlind;
  request.target = normalize_transfer_target(action.target);
  std::string problem = check_transfer_target(action.target);
  for (const auto& [name, value] : action.headers) {
    if (!is_transfer_header_name(name) || has_line_break(value)) problem = "a bad header";
    request.headers.emplace_back(name, value);
  }
  if (!action.uui.empty()) {
    if (has_line_break(action.uui)) problem = "a bad uui";
    request.headers.emplace_back("User-to-User", action.uui);
  }
  record("transfer");
  run.wait = AssistantRun::Wait::kTransfer;
  if (problem.empty() && host_.transfer(request)) return;
  TransferResult failed;
  failed.error = problem.empty() ? "this host cannot transfer calls" : problem;
  assistant_transfer_done(failed);
}

void Interpreter::assistant_transfer_done(const TransferResult& result) {
  AssistantRun& run = *assistant_;
  const Module& module = current();
  const bool failure_path = run.wait == AssistantRun::Wait::kFailureTransfer;
  run.wait = AssistantRun::Wait::kNone;
  variables_.set_value(module.name + "$.turns", Value::number(run.turn));
  if (result.outcome == TransferResult::Outcome::kDone) {
    record("transferred");
    finish("transferred", true);
    return;
  }
  if (failure_path) {
    finish("error:assistant " + module.name + ": " + run.failure + "; the transfer failed", true);
    return;
  }
  const bool ended = result.outcome == TransferResult::Outcome::kFarEndDisconnect ||
                     result.outcome == TransferResult::Outcome::kMaxTimeDisconnect;
  run.next.event = ended ? "transfer_ended" : "transfer_failed";
  run.next.transfer_status = result.status;
  assistant_send_turn();
}

// The service failed (or could not be reached): the failure prompt, then its action.
void Interpreter::assistant_failed(const std::string& message) {
  const Module& module = current();
  const auto& s = std::get<AssistantSettings>(module.settings);
  if (!assistant_) assistant_ = std::make_unique<AssistantRun>();
  AssistantRun& run = *assistant_;
  assistant_stop_all();
  run.failure = message;
  variables_.set(module.name + "$.error", message);  // protocol text: never a value
  variables_.set_value(module.name + "$.turns", Value::number(run.turn));
  record("error");
  state_ = State::kAssistant;
  if (!s.failure_prompt.empty()) {
    run.wait = AssistantRun::Wait::kFailurePrompt;
    play(s.failure_prompt, false, module.is_private, State::kAssistant);
    return;
  }
  assistant_failure_action();
}

void Interpreter::assistant_failure_action() {
  const Module& module = current();
  const auto& s = std::get<AssistantSettings>(module.settings);
  AssistantRun& run = *assistant_;
  const std::string reason = "error:assistant " + module.name + ": " + run.failure;
  switch (s.failure) {
    case AssistantSettings::Failure::kHangup:
      finish(reason, true);
      return;
    case AssistantSettings::Failure::kTransfer: {
      TransferRequest request;
      request.module = module.name;
      request.target = normalize_transfer_target(s.failure_target);
      run.wait = AssistantRun::Wait::kFailureTransfer;
      if (host_.transfer(request)) return;
      finish(reason + "; this host cannot transfer calls", true);
      return;
    }
    case AssistantSettings::Failure::kError:
      assistant_.reset();
      state_ = State::kIdle;
      if (auto it = module.exits.find("error"); it != module.exits.end()) {
        go_to(it->second);
        return;
      }
      finish(reason, true);
      return;
  }
}

}  // namespace keyline::flow
