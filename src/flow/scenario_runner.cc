// Running a scenario: a host whose prompts finish at once (the caller listens to the end)
// and whose timer fires only when the scenario says "silence".
#include <algorithm>
#include <chrono>
#include <optional>

#include "flow/interpreter.h"
#include "flow/scenario.h"
#include "flow/scripted_callee.h"
#include "speech/asr_grammar.h"

namespace keyline::flow {
namespace {

class ScenarioHost final : public FlowHost {
 public:
  void play(const PlayRequest& request) override {
    heard.push_back(request.text);
    shown.push_back(request.contains_private ? "[private]" : request.text);
    playing = true;
  }
  void stop_playback() override { playing = false; }
  void start_timer(std::chrono::milliseconds) override { timer_armed = true; }
  void cancel_timer() override { timer_armed = false; }
  void hangup() override {}
  void web_request(const WebRequest& request) override {
    web_pending = true;
    last_request = request.method + " " + request.url + "\n" + request.body;
  }
  void cancel_web_request() override { web_pending = false; }
  bool start_recognition(const SpeechRequest& request) override {
    speech = request;
    return true;
  }
  void stop_recognition() override { speech.reset(); }
  // Record module: the scenario's record/press/silence steps end it (see Runner).
  void start_record(const RecordRequest& request) override {
    recording = true;
    record_request = request;
    spoken = 0;
  }
  void stop_record(char termchar) override { stop_key = termchar; }
  // Transfer module: the scenario's transfer step says how the far end behaves.
  bool transfer(const TransferRequest& request) override {
    transfer_request = request;
    transferring = true;
    return true;
  }
  void cancel_transfer() override { transferring = false; }
  // Email and SMS: the scenario's message step gives the outcome.
  bool send_message(const MessageRequest& request) override {
    message_pending = true;
    last_message.clear();
    for (const auto& to : request.to) last_message += (last_message.empty() ? "" : ",") + to;
    last_message += "\n" + request.subject + "\n" + request.body;
    return true;
  }
  void cancel_message() override { message_pending = false; }
  // Call Recording module: taken as done, so a scenario walks the flow's "done" path.
  Status control_call_recording(const CallRecordingControl&) override { return Ok{}; }
  bool message_pending = false;
  std::string last_message;  // "TO\nSUBJECT\nBODY" of the latest Email or SMS
  // Go To App: the sub-app from <name>.json beside the app under test.
  Result<std::shared_ptr<const AppDocument>> load_app(std::string_view name, int) override {
    return load_app_beside(*app, name);
  }
  // A fixed instant, so scenarios that hear {{session.time}} are repeatable.
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1767225600));  // 2026-01-01
  }

  const AppDocument* app = nullptr;  // the app under test
  bool playing = false;
  bool timer_armed = false;
  bool web_pending = false;
  std::optional<SpeechRequest> speech;  // what the current input module listens for
  bool recording = false;
  RecordRequest record_request;
  double spoken = 0;         // seconds the caller has spoken into the recording
  char stop_key = '\0';      // a key ended the recording
  bool transferring = false;
  TransferRequest transfer_request;
  std::string last_request;  // "METHOD URL\nBODY" of the latest REST request
  std::vector<std::string> heard;
  std::vector<std::string> shown;  // as heard, but a prompt saying a private value is hidden
};

class Runner {
 public:
  Runner(const AppDocument& app, const Scenario& scenario)
      : scenario_(scenario),
        callee_(scenario.callee_type),
        interpreter_(app, host_, session_of(scenario)) {
    host_.app = &app;
  }

  ScenarioResult run() {
    ScenarioResult result;
    result.name = scenario_.name;
    interpreter_.start();
    for (const auto& step : scenario_.steps) {
      listen();
      if (!do_step(step, result)) break;
    }
    listen();
    check_end(result);
    result.heard = host_.shown;
    result.passed = result.failures.empty();
    return result;
  }

 private:
  static Variables session_of(const Scenario& scenario) {
    Variables v;
    v.set("session.id", "scenario");
    v.set("session.connection.ani", "scenario");
    v.set("session.connection.dnis", "scenario");
    for (const auto& [name, value] : scenario.parameters) v.set(name, value);
    ScriptedCallee(scenario.callee_type).start(v);
    for (const auto& [name, value] : scenario.session) v.set(name, value);
    return v;
  }

  // The caller hears every prompt to its end.
  void listen() {
    while (host_.playing && !interpreter_.finished()) {
      host_.playing = false;
      callee_.on_play_done(interpreter_.variables());
      interpreter_.on_play_done();
    }
  }

  // Ends the scenario's recording as the real host would: a key or final silence ends it
  // ("done", or no-input when nothing was said), and so does reaching the maximum length.
  void end_recording(const char* reason, char key) {
    host_.recording = false;
    // A Name / Address module also listening, and nothing was said to it: the recognizer
    // heard nothing it could use before the recording ended.
    if (host_.speech) {
      host_.speech.reset();
      interpreter_.on_speech(speech::AsrResult{});
    }
    RecordResult r;
    const double max = std::chrono::duration<double>(host_.record_request.max_length).count();
    r.seconds = std::min(host_.spoken, max);
    r.termchar = key;
    r.reason = reason;
    r.id = "scenario-recording-" + std::to_string(++recordings_);
    r.path = r.id + ".wav";
    if (host_.spoken <= 0) {
      r.outcome = RecordResult::Outcome::kNoInput;
      r.reason = "no_input";
    }
    interpreter_.on_record_done(std::move(r));
    listen();
  }

  bool do_step(const ScenarioStep& step, ScenarioResult& result) {
    const std::string where = "step on line " + std::to_string(step.line) + ": ";
    switch (step.kind) {
      case ScenarioStep::Kind::kExpectPrompt:
        while (cursor_ < host_.heard.size()) {
          if (host_.heard[cursor_++].find(step.text) != std::string::npos) return true;
        }
        result.failures.push_back(where + "no prompt containing \"" + step.text + "\" was heard");
        return false;
      case ScenarioStep::Kind::kPress:
        if (interpreter_.finished()) {
          result.failures.push_back(where + "the call had already ended (" +
                                    interpreter_.exit_reason() + ")");
          return false;
        }
        for (char c : step.text) {
          if (c != ' ') interpreter_.on_digit(c);
          if (host_.recording && host_.stop_key) {
            const char key = host_.stop_key;
            host_.stop_key = '\0';
            end_recording("key", key);
          }
          listen();
        }
        return true;
      case ScenarioStep::Kind::kRecord:
        if (!host_.recording || interpreter_.finished()) {
          result.failures.push_back(where + "record, but no Record module was recording");
          return false;
        }
        host_.spoken += step.seconds;
        if (host_.spoken >= std::chrono::duration<double>(host_.record_request.max_length).count())
          end_recording("max_length", '\0');
        return true;
      case ScenarioStep::Kind::kSilence:
        if (host_.recording && !interpreter_.finished()) {
          end_recording("silence", '\0');
          return true;
        }
        if (host_.speech && !host_.timer_armed && !interpreter_.finished()) {
          // A private Name / Address module listens without a timer: its recognizer ends the
          // turn, and here it heard nothing.
          host_.speech.reset();
          interpreter_.on_speech(speech::AsrResult{});
          listen();
          return true;
        }
        if (!host_.timer_armed || interpreter_.finished()) {
          result.failures.push_back(where + "silence, but nothing was waiting for keys");
          return false;
        }
        host_.timer_armed = false;
        interpreter_.on_timer();
        return true;
      case ScenarioStep::Kind::kTransfer:
        return end_transfer(step, where, result);
      case ScenarioStep::Kind::kHangup:
        interpreter_.on_hangup();
        return true;
      case ScenarioStep::Kind::kSay: {
        if (!host_.speech || interpreter_.finished()) {
          result.failures.push_back(where + "say, but nothing was listening for speech");
          return false;
        }
        const SpeechRequest request = std::move(*host_.speech);
        host_.speech.reset();
        // Said into a Name / Address module's recording too (about half a second a word).
        if (host_.recording)
          host_.spoken += 0.5 * static_cast<double>(speech::split_words(step.text).size());
        interpreter_.on_speech_started();
        interpreter_.on_speech(recognize_text(request.grammar, step.text, step.confidence,
                                              request.confidence_threshold));
        return true;
      }
      case ScenarioStep::Kind::kWebResponse:
        if (!host_.web_pending || interpreter_.finished()) {
          result.failures.push_back(where + "web_response, but no REST request was waiting");
          return false;
        }
        host_.web_pending = false;
        interpreter_.on_web_response(step.web);
        return true;
      case ScenarioStep::Kind::kMessageResult:
        if (!host_.message_pending || interpreter_.finished()) {
          result.failures.push_back(where + "message, but no Email or SMS module was sending");
          return false;
        }
        host_.message_pending = false;
        interpreter_.on_message_done(step.message);
        return true;
      case ScenarioStep::Kind::kExpectMessage:
        if (!host_.message_pending) {
          result.failures.push_back(where +
                                    "expect_message, but no Email or SMS module was sending");
          return false;
        }
        if (host_.last_message.find(step.text) == std::string::npos) {
          result.failures.push_back(where + "the message does not contain \"" + step.text + "\"");
          return false;
        }
        return true;
      case ScenarioStep::Kind::kExpectRequest:
        if (!host_.web_pending) {
          result.failures.push_back(where + "expect_request, but no REST request was waiting");
          return false;
        }
        if (host_.last_request.find(step.text) == std::string::npos) {
          // The request is not printed: it may carry a private value.
          result.failures.push_back(where + "the REST request does not contain \"" + step.text +
                                    "\"");
          return false;
        }
        return true;
    }
    return true;
  }

  // What the real host would report for the far end the step describes.
  bool end_transfer(const ScenarioStep& step, const std::string& where, ScenarioResult& result) {
    if (!host_.transferring || interpreter_.finished()) {
      result.failures.push_back(where + "transfer, but no Transfer module was transferring");
      return false;
    }
    const bool blind = host_.transfer_request.mode == TransferMode::kBlind;
    const bool wrong_mode = blind ? step.transfer == "answered" : step.transfer == "done";
    if (wrong_mode) {
      result.failures.push_back(where + "transfer: " + step.transfer + " cannot end a " +
                                (blind ? "blind" : "bridged") + " transfer" +
                                (blind ? " (use done)" : " (use answered)"));
      return false;
    }
    host_.transferring = false;
    TransferResult r;
    using Outcome = TransferResult::Outcome;
    if (step.transfer == "done") {
      r.outcome = Outcome::kDone;
      r.status = 200;
    } else if (step.transfer == "busy") {
      r.outcome = Outcome::kBusy;
      r.status = 486;
    } else if (step.transfer == "noanswer") {
      r.outcome = Outcome::kNoAnswer;
      r.status = 487;
    } else if (step.transfer == "error") {
      r.outcome = Outcome::kError;
      r.status = blind ? 403 : 503;
      r.error = "scenario: the far end refused";
    } else {  // answered: talks, then hangs up, unless the module's limit comes first
      const double max = static_cast<double>(host_.transfer_request.max_duration.count());
      r.status = 200;
      r.outcome = step.seconds >= max ? Outcome::kMaxTimeDisconnect : Outcome::kFarEndDisconnect;
      r.duration = std::min(step.seconds, max);
    }
    if (step.status) r.status = step.status;
    interpreter_.on_transfer_result(std::move(r));
    listen();
    return true;
  }

  void check_end(ScenarioResult& result) {
    if (!scenario_.expect_end.empty()) {
      const std::string actual =
          interpreter_.finished() ? interpreter_.exit_reason() : "still running";
      if (actual != scenario_.expect_end)
        result.failures.push_back("end: expected " + scenario_.expect_end + ", got " + actual);
    }
    for (const auto& [name, expected] : scenario_.expect_variables) {
      // A dotted name may reach into a variable ("pay.data.reference").
      const std::optional<Value> found = interpreter_.variables().lookup(name);
      const Value* v = found ? &*found : nullptr;
      const std::string actual = v ? v->to_text() : "(not set)";
      if (actual == expected) continue;
      // A private value is not printed, even in a test report.
      const std::string shown = v && v->is_private() ? "[private]" : actual;
      result.failures.push_back("variable " + name + ": expected \"" + expected + "\", got " +
                                (v ? "\"" + shown + "\"" : shown));
    }
    if (!scenario_.expect_log.empty() && interpreter_.log_lines() != scenario_.expect_log) {
      std::string got;
      for (const auto& line : interpreter_.log_lines()) got += "\n    " + line;
      result.failures.push_back("log: the call log lines differ; got:" +
                                (got.empty() ? std::string(" (none)") : got));
    }
    std::size_t next = 0;
    for (const auto& visit : interpreter_.visits()) {
      if (next < scenario_.expect_visits.size() &&
          scenario_.expect_visits[next] == visit.page + "/" + visit.module)
        ++next;
    }
    if (next < scenario_.expect_visits.size())
      result.failures.push_back("visits: " + scenario_.expect_visits[next] +
                                " was not visited in the expected order");
  }

  const Scenario& scenario_;
  ScriptedCallee callee_;  // outbound: callee_type's decision after the first prompt
  ScenarioHost host_;
  Interpreter interpreter_;
  std::size_t cursor_ = 0;
  int recordings_ = 0;
};

}  // namespace

ScenarioResult run_scenario(const AppDocument& app, const Scenario& scenario) {
  return Runner(app, scenario).run();
}

}  // namespace keyline::flow
