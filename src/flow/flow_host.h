// FlowHost: everything the interpreter needs from a call — or from the terminal simulator, or
// a test. The interpreter is a pure state machine: it asks the host to act, and the host
// reports back by calling Interpreter::on_play_done / on_digit / on_timer / on_hangup /
// on_web_response.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "flow/message_request.h"
#include "flow/speech_input.h"
#include "flow/transfer_request.h"
#include "flow/web_request.h"

namespace keyline::flow {

struct AppDocument;  // flow/app_document.h
class WsdlCache;     // flow/soap_wsdl.h

// ---- Recording (issues 4, 6, 8) ----
// A Record module's request: record the caller, after a beep, until a key, final silence or
// the maximum length.
struct RecordRequest {
  std::string module;  // the module's name (for the host's log; never a value)
  bool beep = true;
  std::chrono::milliseconds max_length{60000};
  std::chrono::milliseconds final_silence{3000};  // silence after speech that ends it
  std::chrono::milliseconds no_input{5000};       // no speech at all this long: no-input
};

// How a recording ended, reported by the host through Interpreter::on_record_done().
struct RecordResult {
  enum class Outcome { kDone, kNoInput, kError } outcome = Outcome::kDone;
  std::string id;    // the recording's id (its file is <recordings dir>/<id>.wav)
  std::string path;  // where the host keeps it
  double seconds = 0;
  char termchar = '\0';  // the key that ended it, '\0' for none
  std::string reason;    // "key", "silence", "max_length", "no_input", "hangup", or the error
};

struct PlayRequest {
  std::string text;               // what to say (placeholders already substituted)
  bool barge_in = true;           // a key press may interrupt it
  bool contains_private = false;  // a private value is in `text`: never cache or log it
  std::string language;           // the session language ("en-US"); a Language module changes it
  // A prompt-table id: the host plays its audio file for `language` when it has one, and
  // speaks `text` (already the table's text for the id) otherwise.
  std::string prompt_id;
  bool exclude_from_cache = false;  // the module says "do not cache": treat like private
  // Assistant play_url: an https URL of a WAV file the host fetches and plays instead of
  // `text` (a host that cannot fetch it logs why and completes the prompt at once).
  std::string audio_url;
};

// Assistant send_sip_info: a SIP INFO in the call's dialog. Header names are checked by the
// interpreter (no core SIP headers), values carry no CR/LF.
struct SipInfoRequest {
  std::vector<std::pair<std::string, std::string>> headers;
  std::string content_type;  // with a body
  std::string body;
};

// ---- Call Recording module (issue 7) ----
// What a Call Recording module asks of the whole-call recording.
struct CallRecordingControl {
  enum class Action { kStart, kPause, kResume, kStop };
  Action action = Action::kStart;
  bool stereo = true;  // start: caller left, Keyline right; false: both mixed into one channel
  std::string module;  // the module's name (for the host's log)
};

class FlowHost {
 public:
  virtual ~FlowHost() = default;
  // Asynchronous: the host later calls Interpreter::on_play_done().
  virtual void play(const PlayRequest& request) = 0;
  // The host must NOT call on_play_done for the stopped playback.
  virtual void stop_playback() = 0;
  // One timer at a time: starting a timer replaces any running one. The host later calls
  // Interpreter::on_timer().
  virtual void start_timer(std::chrono::milliseconds delay) = 0;
  virtual void cancel_timer() = 0;
  // The app ended the call (Exit module, end of flow, retries exhausted, error).
  virtual void hangup() = 0;
  // Asynchronous: the host performs the REST module's request and later calls
  // Interpreter::on_web_response() once. One request at a time.
  virtual void web_request(const WebRequest& request) = 0;
  // The call ended while a request was out: the host must NOT deliver its response.
  virtual void cancel_web_request() = 0;
  // For time variables ({{session.time}}).
  virtual std::chrono::system_clock::time_point wall_now() const = 0;

  // --- Speech input (issue 5) ---
  // Starts listening to the caller against `request.grammar`. The host later calls
  // Interpreter::on_speech_started() when the caller starts to speak (speech barge-in) and
  // Interpreter::on_speech() once with the result, unless stop_recognition() comes first.
  // Returns false when the host cannot recognise speech: the module then takes keys only.
  // What the caller said may be private: a host never logs it.
  virtual bool start_recognition(const SpeechRequest& /*request*/) { return false; }
  // Keys won, the call ended, or the module is done: drop the turn and deliver nothing for it.
  virtual void stop_recognition() {}
  // ---- Recording (issues 4, 6, 8) ----
  // A private input module is presenting or collecting input (true: from when its prompt
  // starts until it exits) or none is any more (false); called on changes only. The host
  // pauses a whole-call recording for the stretch, so the caller's private keys and voice
  // never reach it.
  virtual void private_input(bool active) { (void)active; }
  // Record module. Asynchronous: the host records the caller and later calls
  // Interpreter::on_record_done() once. The default does nothing:
  // every host that runs apps with Record modules implements it.
  virtual void start_record(const RecordRequest& request) { (void)request; }
  // A key ended the recording: the host stops it and calls on_record_done() (it may do so
  // from inside this call). After a hang-up the interpreter does not call it; the host stops
  // the recording itself.
  virtual void stop_record(char termchar) { (void)termchar; }

  // ---- Transfer (issues 6, 3) ----
  // Transfer module. Asynchronous: the host transfers the call (blind: SIP REFER; bridged: a
  // second leg with the media relayed) and later calls Interpreter::on_transfer_result() once.
  // Returns false when the host cannot transfer calls: the module takes its error exit.
  virtual bool transfer(const TransferRequest& request) {
    (void)request;
    return false;
  }
  // The caller hung up (or the app ended) during a transfer: the host ends the other leg and
  // delivers no result.
  virtual void cancel_transfer() {}
  // ---- Email and SMS (issue 7) ----
  // Email / SMS module. Asynchronous: the host sends the message and later calls
  // Interpreter::on_message_done() once. Returns false when this host cannot send messages of
  // the request's channel (no `email:` / `sms:` server config): the module takes its error
  // exit. The default can send nothing.
  virtual bool send_message(const MessageRequest& request) {
    (void)request;
    return false;
  }
  // The call ended while a message was out: the host must NOT deliver its result (the
  // message may still go).
  virtual void cancel_message() {}
  // ---- Go To App (issue 6) ----
  // The app a Go To App module runs: `name` at stored `revision`, or (revision 0) the one the
  // host serves now. The interpreter keeps the returned document to the end of the call, so a
  // new revision never disturbs a call already inside the sub-app. The default has no apps:
  // the module takes its "error" exit.
  virtual Result<std::shared_ptr<const AppDocument>> load_app(std::string_view name, int revision) {
    (void)revision;
    return make_error("flow", "no app named '" + std::string(name) + "' is available here");
  }

  // ---- SOAP WSDL (issue 7; flow/soap_wsdl.h) ----
  // The host's cache of WSDLs fetched by URL, shared by its calls so that a WSDL is fetched
  // once per TTL rather than once per call. Null (the default): each call keeps its own.
  virtual WsdlCache* wsdl_cache() { return nullptr; }

  // ---- Assistant (issue 7; interpreter_assistant.cc) ----
  // Sends a SIP INFO in the call's dialog; its answer is not waited for (as IBM's gateway
  // does). False: this host has no dialog to send it in.
  virtual bool send_sip_info(const SipInfoRequest& request) {
    (void)request;
    return false;
  }
  // Transfer by hang-up: the host adds `headers` (the target in e.g. Transfer-Target) to the
  // BYE it sends when the app next hangs up. False: this host cannot.
  virtual bool set_bye_headers(const std::vector<std::pair<std::string, std::string>>& headers) {
    (void)headers;
    return false;
  }

  // ---- Call Recording module (issue 7; recording branch) ----
  // Synchronous: start (a no-op when already recording), pause, resume or stop (the file is
  // finished and its upload queued) the whole-call recording. A module pause nests with the
  // automatic pause for private input: the recording runs only when neither holds it. An error
  // (no recordings directory, nothing to pause) sends the module to its "error" exit. The
  // default records nothing.
  virtual Status control_call_recording(const CallRecordingControl& control) {
    (void)control;
    return make_error("flow", "this host cannot record calls");
  }

  // ---- Assistant's hang-up turn (issue 7; interpreter_assistant.cc) ----
  // Sends `request` although the call is ending: the host keeps it going after the call is gone
  // and drops the answer. False: this host cannot, and the turn is not sent.
  virtual bool send_final_web_request(const WebRequest& request) {
    (void)request;
    return false;
  }

  // ---- Assistant's named voice (issue 7; interpreter_assistant.cc) ----
  // `set_tts` named a voice: later prompts in `language` use it for the rest of the call.
  // False: the host's voice catalog has no such voice, or it does not speak `language` (the
  // current voice stays). The default has no catalog to choose from: every name is accepted
  // and prompts keep the host's one voice.
  virtual bool set_voice(std::string_view voice, std::string_view language) {
    (void)voice;
    (void)language;
    return true;
  }
};

}  // namespace keyline::flow
