// A scripted FlowHost for interpreter tests: records every request; the test decides when a
// prompt finishes and when a timer fires.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flow/flow_host.h"
#include "flow/interpreter.h"

namespace keyline::flow::testing {

class FakeFlowHost : public FlowHost {
 public:
  void play(const PlayRequest& request) override {
    plays.push_back(request);
    playing = true;
  }
  void stop_playback() override {
    ++stops;
    playing = false;
  }
  void start_timer(std::chrono::milliseconds delay) override {
    timer = delay;
    timer_starts.push_back(delay);
  }
  void cancel_timer() override {
    timer.reset();
    ++cancels;
  }
  void hangup() override { hung_up = true; }
  void web_request(const WebRequest& request) override { web_requests.push_back(request); }
  void cancel_web_request() override { ++web_cancels; }
  std::chrono::system_clock::time_point wall_now() const override { return now; }
  // Speech input: recorded; the test delivers results (the host can recognise unless told not).
  bool start_recognition(const SpeechRequest& request) override {
    if (!can_recognise) return false;
    recognitions.push_back(request);
    listening = true;
    return true;
  }
  void stop_recognition() override {
    ++recognition_stops;
    listening = false;
  }
  // Recording (issues 4, 6, 8).
  void private_input(bool active) override { private_changes.push_back(active); }
  void start_record(const RecordRequest& request) override { records.push_back(request); }
  void stop_record(char termchar) override { record_stops.push_back(termchar); }
  // Transfer (issues 6, 3).
  bool transfer(const TransferRequest& request) override {
    if (!can_transfer) return false;
    transfers.push_back(request);
    return true;
  }
  void cancel_transfer() override { ++transfer_cancels; }

  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& p : plays) out.push_back(p.text);
    return out;
  }
  const std::string& last_text() const { return plays.back().text; }

  std::vector<PlayRequest> plays;
  bool playing = false;
  int stops = 0;
  std::optional<std::chrono::milliseconds> timer;
  std::vector<std::chrono::milliseconds> timer_starts;
  int cancels = 0;
  bool hung_up = false;
  std::vector<WebRequest> web_requests;
  int web_cancels = 0;
  std::chrono::system_clock::time_point now{};
  bool can_recognise = true;
  bool listening = false;
  std::vector<SpeechRequest> recognitions;
  int recognition_stops = 0;
  std::vector<bool> private_changes;  // every private_input() call, in order
  std::vector<RecordRequest> records;
  std::string record_stops;
  bool can_transfer = true;
  std::vector<TransferRequest> transfers;
  int transfer_cancels = 0;

  // ---- Email and SMS (issue 7) ----
  bool send_message(const MessageRequest& request) override {
    if (!can_send) return false;
    messages.push_back(request);
    return true;
  }
  void cancel_message() override { ++message_cancels; }
  bool can_send = true;
  std::vector<MessageRequest> messages;
  int message_cancels = 0;

  // ---- SOAP WSDL (issue 7) ----
  WsdlCache* wsdl_cache() override { return shared_wsdl; }
  WsdlCache* shared_wsdl = nullptr;  // set: calls share it, as a server's calls do

  // ---- Assistant (issue 7) ----
  bool send_sip_info(const SipInfoRequest& request) override {
    infos.push_back(request);
    return can_send_info;
  }
  bool set_bye_headers(const std::vector<std::pair<std::string, std::string>>& headers) override {
    bye_headers = headers;
    return can_send_info;
  }
  bool send_final_web_request(const WebRequest& request) override {
    final_requests.push_back(request);
    return true;
  }
  std::vector<WebRequest> final_requests;  // the assistant's hang-up turns
  bool can_send_info = true;
  std::vector<SipInfoRequest> infos;
  std::vector<std::pair<std::string, std::string>> bye_headers;
  // Named voices (set_tts): voice name -> the one language it speaks.
  bool set_voice(std::string_view voice, std::string_view language) override {
    auto it = known_voices.find(std::string(voice));
    const bool ok = it != known_voices.end() && it->second == language;
    if (ok) chosen_voices.emplace_back(std::string(voice), std::string(language));
    return ok;
  }
  std::map<std::string, std::string> known_voices;
  std::vector<std::pair<std::string, std::string>> chosen_voices;  // (voice, language) applied

  // ---- Call Recording module (issue 7; recording branch) ----
  Status control_call_recording(const CallRecordingControl& control) override {
    recording_controls.push_back(control);
    if (!recording_control_error.empty()) return make_error("flow", recording_control_error);
    return Ok{};
  }
  std::vector<CallRecordingControl> recording_controls;
  std::string recording_control_error;  // not empty: every control fails with it
};

// The caller says `text` (matched against the grammar being listened for, as the host's
// recognizer would report it).
inline void say(Interpreter& interpreter, FakeFlowHost& host, std::string_view text,
                double confidence = 0.9) {
  ASSERT_TRUE(host.listening) << "nothing is listening for speech";
  const SpeechRequest& request = host.recognitions.back();
  host.listening = false;
  interpreter.on_speech_started();
  interpreter.on_speech(
      recognize_text(request.grammar, text, confidence, request.confidence_threshold));
}

// Ends the current prompt, as the media layer would when the audio has been sent.
inline void finish_prompt(Interpreter& interpreter, FakeFlowHost& host) {
  ASSERT_TRUE(host.playing) << "no prompt is playing";
  host.playing = false;
  interpreter.on_play_done();
}

inline void fire_timer(Interpreter& interpreter, FakeFlowHost& host) {
  ASSERT_TRUE(host.timer.has_value()) << "no timer is running";
  host.timer.reset();
  interpreter.on_timer();
}

inline void press(Interpreter& interpreter, std::string_view keys) {
  for (char c : keys) interpreter.on_digit(c);
}

}  // namespace keyline::flow::testing
