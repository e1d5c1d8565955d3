// Internal to the interpreter: the FlowHost a Go To App module's sub-app runs against. It
// passes everything to the call's host, except hangup(): when the sub-app ends (its Exit
// module, the end of its flow, an error) the call goes back to the caller app, which decides.
#pragma once

#include "flow/flow_host.h"

namespace keyline::flow {

class SubAppHost final : public FlowHost {
 public:
  explicit SubAppHost(FlowHost& host) : host_(host) {}

  bool ended() const { return ended_; }

  void play(const PlayRequest& request) override { host_.play(request); }
  void stop_playback() override { host_.stop_playback(); }
  void start_timer(std::chrono::milliseconds delay) override { host_.start_timer(delay); }
  void cancel_timer() override { host_.cancel_timer(); }
  void hangup() override { ended_ = true; }
  void web_request(const WebRequest& request) override { host_.web_request(request); }
  void cancel_web_request() override { host_.cancel_web_request(); }
  std::chrono::system_clock::time_point wall_now() const override { return host_.wall_now(); }
  bool start_recognition(const SpeechRequest& request) override {
    return host_.start_recognition(request);
  }
  void stop_recognition() override { host_.stop_recognition(); }
  void private_input(bool active) override { host_.private_input(active); }
  void start_record(const RecordRequest& request) override { host_.start_record(request); }
  void stop_record(char termchar) override { host_.stop_record(termchar); }
  bool transfer(const TransferRequest& request) override { return host_.transfer(request); }
  void cancel_transfer() override { host_.cancel_transfer(); }
  bool send_message(const MessageRequest& request) override { return host_.send_message(request); }
  void cancel_message() override { host_.cancel_message(); }
  Result<std::shared_ptr<const AppDocument>> load_app(std::string_view name,
                                                      int revision) override {
    return host_.load_app(name, revision);
  }
  WsdlCache* wsdl_cache() override { return host_.wsdl_cache(); }
  bool send_sip_info(const SipInfoRequest& request) override {
    return host_.send_sip_info(request);
  }
  bool set_bye_headers(const std::vector<std::pair<std::string, std::string>>& headers) override {
    return host_.set_bye_headers(headers);
  }
  bool send_final_web_request(const WebRequest& request) override {
    return host_.send_final_web_request(request);
  }
  // Call Recording module (recording branch).
  Status control_call_recording(const CallRecordingControl& control) override {
    return host_.control_call_recording(control);
  }
  bool set_voice(std::string_view voice, std::string_view language) override {
    return host_.set_voice(voice, language);
  }

 private:
  FlowHost& host_;
  bool ended_ = false;
};

}  // namespace keyline::flow
