#include "flow/simulator.h"

#include <algorithm>
#include <optional>
#include <string>

#include "flow/interpreter.h"
#include "flow/scripted_callee.h"

namespace keyline::flow {
namespace {

// A FlowHost that only records what the interpreter asked for; the loop in run_simulation
// plays the part of the event loop and delivers the callbacks.
class TerminalHost final : public FlowHost {
 public:
  TerminalHost(const AppDocument& app, std::ostream& out) : app_(app), out_(out) {}

  void play(const PlayRequest& request) override {
    if (request.audio_url.empty()) {
      out_ << "[prompt] " << request.text << '\n';
    } else {
      out_ << "[audio] " << request.audio_url << '\n';  // an assistant's play_url
    }
    playing = true;
  }
  void stop_playback() override {
    out_ << "[barge-in]\n";
    playing = false;
  }
  void start_timer(std::chrono::milliseconds delay) override {
    timer_armed = true;
    timer_delay = delay;
  }
  void cancel_timer() override { timer_armed = false; }
  void hangup() override { out_ << "[hangup]\n"; }
  void web_request(const WebRequest& request) override {
    // A request carrying a private value is not echoed, even to the builder's terminal.
    out_ << "[web] " << request.method << ' '
         << (request.carries_private ? std::string("[private]") : request.url) << '\n';
    if (!request.carries_private && !request.body.empty())
      out_ << "[web body] " << request.body << '\n';
    web_pending = true;
  }
  void cancel_web_request() override { web_pending = false; }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::now();
  }
  bool start_recognition(const SpeechRequest& request) override {
    speech = request;
    return true;
  }
  void stop_recognition() override { speech.reset(); }
  // Go To App: the sub-app from <name>.json beside the simulated app.
  Result<std::shared_ptr<const AppDocument>> load_app(std::string_view name, int) override {
    out_ << "[goto_app] " << name << '\n';
    return load_app_beside(app_, name);
  }
  void start_record(const RecordRequest& request) override {
    out_ << "[record] " << (request.beep ? "beep; " : "")
         << "type the seconds spoken, then a key to end it (\"3 #\"), or nothing for silence\n";
    recording = true;
  }

  bool transfer(const TransferRequest& request) override {
    out_ << "[transfer] " << (request.mode == TransferMode::kBlind ? "blind" : "bridged") << " to "
         << request.target << ": type done, busy, noanswer, error, or \"answered SECONDS\"\n";
    transfer_mode = request.mode;
    max_duration = static_cast<double>(request.max_duration.count());
    transferring = true;
    return true;
  }
  void cancel_transfer() override { transferring = false; }

  bool transferring = false;
  TransferMode transfer_mode = TransferMode::kBlind;
  double max_duration = 0;
  // Email and SMS: shown (they never hold a private value) and taken as sent.
  bool send_message(const MessageRequest& request) override {
    const bool email = request.channel == MessageRequest::Channel::kEmail;
    out_ << (email ? "[email] to " : "[sms] to ");
    for (std::size_t i = 0; i < request.to.size(); ++i) out_ << (i ? ", " : "") << request.to[i];
    if (email) out_ << " subject: " << request.subject;
    out_ << '\n' << (email ? "[email body] " : "[sms text] ") << request.body << '\n';
    message_pending = true;
    return true;
  }
  void cancel_message() override { message_pending = false; }
  // Call Recording module: shown and taken as done (nothing is recorded here).
  Status control_call_recording(const CallRecordingControl& control) override {
    static constexpr const char* kActions[] = {"start", "pause", "resume", "stop"};
    out_ << "[call_recording] " << kActions[static_cast<int>(control.action)];
    if (control.action == CallRecordingControl::Action::kStart)
      out_ << (control.stereo ? " (stereo)" : " (mixed)");
    out_ << '\n';
    return Ok{};
  }

  bool playing = false;
  bool message_pending = false;
  bool recording = false;
  bool timer_armed = false;
  bool web_pending = false;
  std::optional<SpeechRequest> speech;  // what the waiting module listens for, if it does
  std::chrono::milliseconds timer_delay{0};

 private:
  const AppDocument& app_;
  std::ostream& out_;
};

// "200 {\"ok\": true}" -> status and body; "timeout"; "error <text>".
WebResponse read_web_answer(const std::string& line) {
  WebResponse r;
  if (line.rfind("timeout", 0) == 0) {
    r.outcome = WebResponse::Outcome::kTimeout;
    r.error = "timeout";
    return r;
  }
  const auto space = line.find(' ');
  const auto status = parse_number(line.substr(0, space));
  if (!status || *status < 100 || *status > 599) {
    r.outcome = WebResponse::Outcome::kError;
    r.error = line.rfind("error", 0) == 0 && space != std::string::npos ? line.substr(space + 1)
                                                                        : "simulated error";
    return r;
  }
  r.status = static_cast<int>(*status);
  if (space != std::string::npos) r.body = line.substr(space + 1);
  return r;
}

// "done", "busy", "noanswer", "error", "answered 42" -> what the host would report.
TransferResult read_transfer_answer(const std::string& line, double max_duration) {
  TransferResult r;
  using Outcome = TransferResult::Outcome;
  if (line.rfind("done", 0) == 0) {
    r.outcome = Outcome::kDone;
    r.status = 200;
  } else if (line.rfind("busy", 0) == 0) {
    r.outcome = Outcome::kBusy;
    r.status = 486;
  } else if (line.rfind("noanswer", 0) == 0) {
    r.outcome = Outcome::kNoAnswer;
    r.status = 487;
  } else if (line.rfind("answered", 0) == 0) {
    const auto space = line.find(' ');
    const auto seconds = space == std::string::npos ? std::optional<double>(0)
                                                    : parse_number(line.substr(space + 1));
    const double talked = seconds && *seconds > 0 ? *seconds : 0;
    r.status = 200;
    r.outcome = talked >= max_duration ? Outcome::kMaxTimeDisconnect : Outcome::kFarEndDisconnect;
    r.duration = std::min(talked, max_duration);
  } else {
    r.error = "simulated error";
  }
  return r;
}

bool is_key(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

// A line with a lower-case letter is words said to a module listening for speech.
bool is_words(const std::string& line) {
  for (char c : line)
    if (c >= 'a' && c <= 'z') return true;
  return false;
}

}  // namespace

int run_simulation(const AppDocument& app, std::istream& in, std::ostream& out,
                   const std::string& callee_type) {
  ScriptedCallee callee(callee_type);
  TerminalHost host(app, out);
  Variables session;
  session.set("session.id", "simulator");
  session.set("session.connection.ani", "simulator");
  session.set("session.connection.dnis", "simulator");
  callee.start(session);
  Interpreter interpreter(app, host, std::move(session));
  interpreter.start();

  while (!interpreter.finished()) {
    if (host.playing) {  // prompts "play" instantly
      host.playing = false;
      callee.on_play_done(interpreter.variables());
      interpreter.on_play_done();
      continue;
    }
    if (host.web_pending) {  // the builder plays the web service
      out << "[web]> " << std::flush;
      std::string line;
      if (!std::getline(in, line)) {
        out << "\n";
        interpreter.on_hangup();
        break;
      }
      host.web_pending = false;
      interpreter.on_web_response(read_web_answer(line));
      continue;
    }
    if (host.message_pending) {
      host.message_pending = false;
      MessageResult sent;
      sent.sent = true;
      sent.id = "simulated";
      interpreter.on_message_done(std::move(sent));
      continue;
    }
    if (host.recording) {  // the builder plays the caller speaking
      out << "[record]> " << std::flush;
      std::string line;
      if (!std::getline(in, line)) {
        out << "\n";
        interpreter.on_hangup();
        break;
      }
      host.recording = false;
      RecordResult r;
      const auto space = line.find(' ');
      const auto seconds = parse_number(line.substr(0, space));
      r.seconds = seconds && *seconds > 0 ? *seconds : 0;
      for (char c : line.substr(space == std::string::npos ? line.size() : space))
        if (is_key(c)) r.termchar = c;
      r.reason = r.termchar ? "key" : "silence";
      r.id = "simulated-recording";
      r.path = "(simulated)";
      if (r.seconds <= 0) {
        r.outcome = RecordResult::Outcome::kNoInput;
        r.reason = "no_input";
      }
      interpreter.on_record_done(std::move(r));
      continue;
    }
    if (host.transferring) {  // the builder plays the far end
      out << "[transfer]> " << std::flush;
      std::string line;
      if (!std::getline(in, line)) {
        out << "\n";
        interpreter.on_hangup();
        break;
      }
      host.transferring = false;
      interpreter.on_transfer_result(read_transfer_answer(line, host.max_duration));
      continue;
    }
    if (!host.timer_armed) {  // neither playing nor waiting: cannot happen with a sound app
      out << "[error] the app is stuck\n";
      break;
    }
    out << (host.speech ? "[keys or words]> " : "[keys]> ") << std::flush;
    std::string line;
    if (!std::getline(in, line)) {
      out << "\n";
      interpreter.on_hangup();
      break;
    }
    if (host.speech && is_words(line)) {
      // Recognised from the text, as `keyline test` does with say: (confidence 1).
      const SpeechRequest request = std::move(*host.speech);
      host.speech.reset();
      speech::AsrResult heard =
          recognize_text(request.grammar, line, 1.0, request.confidence_threshold);
      out << "[speech] " << speech::to_string(heard.status) << '\n';
      interpreter.on_speech_started();
      interpreter.on_speech(std::move(heard));
      continue;
    }
    for (char c : line) {
      if (interpreter.finished()) break;
      if (c == ' ' || c == '\t' || c == '\r') continue;
      if (!is_key(c)) {
        out << "[ignored] '" << c << "' is not a phone key (0-9 * # A-D)\n";
        continue;
      }
      interpreter.on_digit(c);
    }
    // The line is all the caller types for now: a module still waiting times out.
    if (!interpreter.finished() && !host.playing && host.timer_armed) {
      host.timer_armed = false;
      interpreter.on_timer();
    }
  }

  for (const auto& visit : interpreter.visits())
    out << "[visit] " << visit.page << '/' << visit.module << " (" << visit.type << ") -> "
        << visit.result << '\n';
  for (const auto& line : interpreter.log_lines()) out << "[log] " << line << '\n';
  out << "[end] " << interpreter.exit_reason() << '\n';
  const bool error = !interpreter.finished() || interpreter.exit_reason().rfind("error:", 0) == 0;
  return error ? 1 : 0;
}

}  // namespace keyline::flow
