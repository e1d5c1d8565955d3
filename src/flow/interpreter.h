// Interpreter: runs one call through an AppDocument. A pure, single-threaded state machine
// driven by the host's events (play done, digit, timer, hangup); it never blocks and never
// touches a socket, so a test can script a whole call.
#pragma once

#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flow/app_document.h"
#include "flow/flow_host.h"
#include "flow/input_collector.h"
#include "flow/input_modules.h"
#include "flow/message_request.h"
#include "flow/variables.h"

namespace keyline::flow {

class SubAppHost;        // flow/sub_app_host.h
struct AssistantAction;  // flow/assistant_protocol.h
class WsdlCache;         // flow/soap_wsdl.h
struct Wsdl;             // flow/soap_wsdl.h

// One module the call passed through, for the call log. `result` is the exit taken, plus the
// value after a ':' ("success:12345", "noinput", "nomatch", "next", "1", "match:2",
// "goto:main", "exit", "hangup"); the value is "[private]" when the module is private.
struct ModuleVisit {
  std::string page;
  std::string module;
  std::string type;
  std::string result;
};

class Interpreter {
 public:
  // `app` and `host` must outlive the interpreter. `session_variables` holds what the host
  // knows about the call (session.id, session.connection.ani, session.connection.dnis, ...).
  Interpreter(const AppDocument& app, FlowHost& host, Variables session_variables);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  void start();
  void on_play_done();
  void on_digit(char digit);  // '0'-'9', '*', '#', 'A'-'D'; anything else is ignored
  void on_timer();
  void on_hangup();  // the caller hung up
  // The answer to the host's current web_request() (REST module).
  void on_web_response(WebResponse response);
  // Speech input (host's start_recognition): the caller started to speak — a prompt they may
  // interrupt stops — and later the result of the turn (match, no-match or no-input).
  void on_speech_started();
  void on_speech(speech::AsrResult result);
  // The end of the host's current start_record() (Record module).
  void on_record_done(RecordResult result);
  // The end of the host's current transfer() (Transfer module).
  void on_transfer_result(TransferResult result);
  // The answer to the host's current send_message() (Email, SMS modules).
  void on_message_done(MessageResult result);

  bool finished() const { return finished_; }
  // "exit_module", "end_of_flow", "caller_hangup", "max_retries", "error:<text>".
  const std::string& exit_reason() const { return exit_reason_; }
  const std::vector<ModuleVisit>& visits() const { return visits_; }
  // Lines written by Call Log modules, private values already replaced by "[private]".
  const std::vector<std::string>& log_lines() const { return log_lines_; }
  // The session language: the app's, until a Language module switches it.
  const std::string& language() const { return language_; }
  const Variables& variables() const { return variables_; }
  Variables& variables() { return variables_; }

 private:
  // What the interpreter is waiting for.
  enum class State {
    kIdle,         // not started, or between modules
    kPrompt,       // a Prompt module is playing
    kInputPrompt,  // an input module's prompt is playing
    kInput,        // an input module is collecting keys (a timer runs)
    kWebRequest,   // a REST module waits for the host's web response
    kDone,
    kRecordPrompt,    // a Record module's prompt is playing
    kRecording,       // a Record module waits for the host's recording to end
    kTransferPrompt,  // a Transfer module's prompt is playing
    kTransfer,        // a Transfer module waits for the host's transfer to end
    kMessage,         // an Email or SMS module waits for the host to send it
    kErrorPrompt,     // the global error policy's prompt is playing (interpreter_errors.cc)
    kConfirmPrompt,   // an entry is being read back for confirmation (interpreter_confirm.cc)
    kConfirm,         // ... and the caller is to press 1 (keep) or 2 (enter again)
    kSubApp,          // a Go To App module's sub-app runs (interpreter_goto_app.cc)
    kAssistant,       // an Assistant module runs a turn's actions (interpreter_assistant.cc)
  };
  struct Event {
    enum class Kind {
      kStart,
      kPlayDone,
      kDigit,
      kTimer,
      kHangup,
      kWebResponse,
      kSpeechStarted,
      kSpeech,
      kRecordDone,
      kTransferDone,
      kMessageDone,
    } kind;
    char digit = '\0';
  };

  void post(Event event);
  void handle(const Event& event);
  void handle_digit(char digit);

  void run();  // executes modules until one waits for the host or the call ends
  void execute(const Module& module);
  void play(std::string_view text, bool barge_in, bool is_private_module, State next_state,
            const PromptSettings* prompt = nullptr);

  // Data and call-flow modules without waiting (interpreter_modules.cc).
  void run_set_variable(const Module& module);
  void run_counter(const Module& module);
  void run_call_log(const Module& module);
  void run_evaluate_js(const Module& module);       // interpreter_js.cc
  bool prepare_dynamic_menu(const Module& module);  // false: the call went elsewhere
  // REST (interpreter_rest.cc).
  void run_rest(const Module& module);
  void send_web_request(const Module& module, Result<WebRequest> request);
  void rest_answered(WebResponse response);
  void rest_failed(const Module& module, std::string_view exit, const std::string& message);
  void wipe_dynamic_options();
  // Record module and the private-input signal for recordings (interpreter_record.cc).
  void run_record(const Module& module);
  void start_recording();
  void record_finished(const RecordResult& result);
  void update_private_input();
  // Email, SMS (interpreter_message.cc) and SOAP (interpreter_soap.cc).
  void run_message(const Module& module);
  void message_finished(MessageResult result);
  void message_failed(const Module& module, const std::string& message);
  void run_soap(const Module& module);
  void soap_answered(WebResponse response);
  void set_input_shadows(const Module& module, std::size_t length, char termchar,
                         const speech::AsrHypothesis* heard = nullptr);

  void begin_input();
  void present_input(std::string_view lead_in);
  void begin_collecting();
  void on_outcome(InputOutcome outcome);
  void input_succeeded();
  // A complete entry: keys, or (heard != null) the entry a recognised answer stands for.
  void accept_entry(std::string_view keys, char termchar, const speech::AsrHypothesis* heard);
  void input_failed(InputOutcome outcome);
  // The part of accept_entry after the entry is known to be valid (and confirmed).
  void commit_entry(Value value, std::string_view keys, char termchar,
                    const speech::AsrHypothesis* heard);
  // Global error handling (interpreter_errors.cc): retries are used up and `exit_name` is not
  // wired.
  void apply_error_policy(const std::string& exit_name);
  void error_prompt_done();
  // Confirmation (interpreter_confirm.cc).
  void begin_confirmation(Value value, std::string_view keys, char termchar,
                          const speech::AsrHypothesis* heard);
  void ask_confirmation();
  void confirm_key(char digit);
  void confirm_failed(InputOutcome outcome);
  void wipe_pending_entry();
  // Go To App (interpreter_goto_app.cc).
  void run_goto_app(const Module& module);
  void forward_to_sub_app(const Event& event);
  void sub_app_ended();
  void goto_app_failed(const Module& module, const std::string& message);
  // Apps calling apps: deep enough for a menu app, a payment app and its helpers; shallow
  // enough that an app calling itself stops at once instead of growing the call's memory.
  static constexpr int kMaxSubAppDepth = 8;
  // Go To App and Subdialog share these: the sub-app's inputs, and running it.
  std::optional<Variables> sub_app_inputs(
      const Module& module, const std::vector<std::pair<std::string, Expression>>& in);
  void enter_sub_app(std::shared_ptr<const AppDocument> doc, Variables given,
                     const std::string& label);
  // ---- Subdialog (issue 7; interpreter_subdialog.cc) ----
  void run_subdialog(const Module& module);
  void subdialog_answered(WebResponse response);
  void subdialog_failed(const Module& module, std::string_view exit, const std::string& message);
  // ---- Call Recording module (issue 7; interpreter_call_recording.cc) ----
  void run_call_recording(const Module& module);
  // Speech input (interpreter_speech.cc).
  void start_listening();
  void stop_listening();
  void handle_speech_started();
  void handle_speech(speech::AsrResult result);

  const Module& current() const { return page_->modules[index_]; }
  const InputSettings& input_settings() const;
  void record(std::string result);
  void record_value(std::string_view exit, std::string_view value);
  void take_exit(std::string_view exit_name);
  void go_to(const Target& target);
  void next_module();
  void arm_timer(std::chrono::milliseconds delay);
  void disarm_timer();
  void finish(std::string reason, bool hang_up);

  const AppDocument& app_;
  FlowHost& host_;
  Variables variables_;

  const Page* page_ = nullptr;
  std::size_t index_ = 0;
  State state_ = State::kIdle;
  bool timer_armed_ = false;
  int failures_ = 0;       // no-input + no-match so far in the current input module
  std::string typeahead_;  // keys pressed before the input module that will use them
  std::vector<DynamicOption> dynamic_options_;  // the current Dynamic Menu's options
  bool dynamic_private_ = false;                // ... read from a private variable
  std::string language_;
  std::vector<std::string> log_lines_;
  InputCollector collector_;  // the current input module's keys
  int steps_since_wait_ = 0;  // loop guard

  bool listening_ = false;  // the host is recognising speech for the current input module
  bool speaking_ = false;   // ... and the caller has started to speak
  std::optional<speech::AsrResult> speech_result_;  // delivered, waiting for its event
  std::optional<WebResponse> web_response_;         // delivered, waiting for its event
  std::deque<Event> queue_;                         // events raised while an event is being handled
  bool dispatching_ = false;

  bool finished_ = false;
  std::string exit_reason_;
  std::vector<ModuleVisit> visits_;

  // Recording (interpreter_record.cc).
  std::optional<RecordResult> record_result_;  // delivered, waiting for its event
  bool private_input_ = false;                 // last told to the host (private_input())

  // Transfer (interpreter_transfer.cc).
  void run_transfer(const Module& module);
  void start_transfer();
  void transfer_finished(const TransferResult& result);
  std::optional<TransferResult> transfer_result_;  // delivered, waiting for its event
  // Email and SMS (interpreter_message.cc).
  std::optional<MessageResult> message_result_;  // delivered, waiting for its event
  // Confirmation: the entry waiting for the caller's 1 (interpreter_confirm.cc).
  struct PendingEntry {
    Value value;
    std::string keys;
    char termchar = '\0';
    std::optional<speech::AsrHypothesis> heard;
  };
  std::optional<PendingEntry> pending_;
  int confirm_asks_ = 0;

  // Name and Address (interpreter_name_address.cc): the answer is recorded (state kRecording,
  // as a Record module) while the recognizer listens; done when both have reported.
  void run_voice_answer(const Module& module);
  void present_voice_answer(const Module& module);
  void start_voice_answer();
  void voice_answer_recorded(const RecordResult& result);
  void voice_answer_heard(speech::AsrResult result);
  void voice_answer_timeout();
  void finish_voice_answer();
  void set_voice_answer_variables(const Module& module, std::string_view text);
  void voice_answer_error(const std::string& reason);
  void wipe_voice_answer();
  struct VoiceAnswerTurn {
    bool recording = false;  // the host's recording has not ended yet
    bool hearing = false;    // the recognizer has not answered yet
    std::optional<RecordResult> recorded;
    std::optional<speech::AsrResult> heard;
  };
  VoiceAnswerTurn voice_;

  // Go To App (interpreter_goto_app.cc). A sub-app runs in a child interpreter whose host
  // forwards to ours, except that its hang-up means "return to the caller app".
  // Declared in this order so the sub-app is destroyed before its host and its document.
  std::shared_ptr<const AppDocument> sub_doc_;  // kept alive while the sub-app runs
  std::unique_ptr<SubAppHost> sub_host_;
  std::unique_ptr<Interpreter> sub_app_;
  int depth_ = 0;  // 0: the call's own app
  // Apps loaded during this call, by "name@revision": a call that enters the same sub-app
  // twice runs the revision it got the first time. Shared with sub-apps.
  using LoadedApps = std::map<std::string, std::shared_ptr<const AppDocument>>;
  std::shared_ptr<LoadedApps> loaded_apps_;

  // Assistant (interpreter_assistant.cc; its state in flow/assistant_run.h). While a turn is
  // out the state is kWebRequest, while its actions run kAssistant.
  struct AssistantRun;
  std::unique_ptr<AssistantRun> assistant_;
  void run_assistant(const Module& module);
  void assistant_event(const Event& event);
  void assistant_answered(WebResponse response);
  void assistant_failed(const std::string& message);
  void assistant_send_turn();
  // The turn request for assistant_->next (the caller's last input and the event).
  Result<WebRequest> assistant_turn_request(const Module& module);
  // The caller hung up: the last turn (event "hangup") goes out without waiting for an answer.
  void assistant_send_hangup_turn();
  void assistant_run_actions();
  void assistant_begin_input();
  void assistant_digit(char digit);
  void assistant_input_done(std::string event);
  void assistant_transfer(const AssistantAction& action);
  void assistant_transfer_by_hangup(const AssistantAction& action);
  void assistant_send_sip_info(const AssistantAction& action);
  void assistant_transfer_done(const TransferResult& result);
  void assistant_failure_action();
  void assistant_stop_all();

  // SOAP with a WSDL URL (interpreter_soap.cc): the WSDL is fetched first when the host's cache
  // (or, without one, this call's) does not hold it.
  bool soap_wsdl_fetch_ = false;  // the request out is the WSDL's GET
  std::unique_ptr<WsdlCache> own_wsdl_cache_;
  WsdlCache& wsdl_cache();
  void soap_wsdl_answered(const Module& module, WebResponse response);
  void soap_send(const Module& module, const Wsdl& wsdl);
};

}  // namespace keyline::flow
