// One inbound call on a worker: the SIP dialog handle, its media session and
// the app interpreter, joined through the FlowHost interface. Everything here
// runs on the worker's thread; TTS results come back through loop.post().
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/ids.h"
#include "base/log.h"
#include "flow/app_document.h"
#include "flow/flow_host.h"
#include "flow/interpreter.h"
#include "flow/post_call.h"
#include "io/event_loop.h"
#include "media/answering_machine_detector.h"
#include "media/media_session.h"
#include "server/call_speech.h"
#include "server/http_config.h"
#include "server/leg_router.h"
#include "server/transfer_config.h"
#include "services/http_client.h"
#include "services/oauth2_tokens.h"
#include "services/sms_provider.h"
#include "services/smtp_client.h"
#include "sip/user_agent.h"
#include "speech/prompt_renderer.h"
#include "speech/prompt_table.h"
#include "speech/voice_catalog.h"
#include "store/call_record.h"
#include "store/recordings.h"

namespace keyline::server {

class TransferLeg;

class CallSession final : public flow::FlowHost {
 public:
  struct Context {
    io::EventLoop& loop;
    sip::UserAgent& ua;
    speech::PromptRenderer& renderer;
    Logger& logger;
    services::HttpClient& http;  // the worker's web client (REST modules)
    const HttpSettings& http_settings;
    // The app's recorded prompts (may be null: the app has none).
    std::shared_ptr<const speech::PromptAudioTable> prompts = nullptr;
    // The installed voices (null: every prompt uses the renderer's default).
    const speech::VoiceCatalog* voices = nullptr;
    // Speech input (null: input modules take keys only) and the counters it updates.
    speech::AsrWorker* asr = nullptr;
    ServerMetrics* metrics = nullptr;
    // Where recordings go (Record module, settings.record_call); made 0700 on first use.
    std::string recordings_dir;
    // Deployment variables (stored deployments): set before the app starts, so they override
    // the app's starting values of the same name.
    std::map<std::string, std::string> variables = {};
    // Transfers (call_transfer.cc): the worker's leg router and ids, where legs' RTP ports
    // come from, the `transfer:` config, and where the call came from (number targets go
    // back that way when no transfer.domain is set). Null router: transfers fail.
    LegRouter* legs = nullptr;
    IdGenerator* ids = nullptr;
    media::MediaConfig media_config = {};
    TransferConfig transfer = {};
    std::string caller_host;  // the host of the inbound Request-URI
    io::Endpoint caller_peer = {};
    // Email and SMS modules (null: not configured; the module takes its error exit).
    services::SmtpClient* smtp = nullptr;
    services::HttpClient* sms_http = nullptr;
    const services::SmsProviderConfig* sms = nullptr;
    // Go To App: the server's apps by name and revision (Server::find_sub_app). Null: none.
    std::function<Result<std::shared_ptr<const flow::AppDocument>>(std::string_view, int)>
        load_app = nullptr;
    // Outbound calls the dialer placed (outbound_dialer.h); unset for inbound calls.
    struct Outbound {
      std::string parameters = "{}";    // a JSON object: app variables, set after the deployment's
      bool private_parameters = false;  // secure call: every parameter is a private value
      std::string postd;                // keys sent once media flows
      // Answering-machine detection on the callee's audio: session.connection.callee_type is
      // "processing" until it decides. Unset: callee_type is "unknown" from the start.
      std::optional<media::AmdSettings> amd;
    };
    std::optional<Outbound> outbound = std::nullopt;
    // ---- Post-call web service (issue 7; call_post_call.cc) ----
    // Takes the app's post-call request (and its recording upload, whose body is `body_file`)
    // when the call ends (PostCallSender::enqueue): must not block. Null: post-call requests
    // are not sent. `app_revision` is the stored revision the call runs (0: a config app).
    std::function<void(flow::WebRequest request, const std::string& key,
                       const std::string& body_file)>
        post_call = nullptr;
    int app_revision = 0;
    // ---- OAuth2 client credentials (issue 7; oauth2_send.h) ----
    // The worker's token cache (null: REST/SOAP modules with OAuth2 auth fail).
    services::OAuth2TokenCache* oauth2 = nullptr;
    // ---- SOAP WSDL (issue 7) ----
    // The worker's cache of WSDLs fetched by URL (null: each call fetches its own).
    flow::WsdlCache* wsdl = nullptr;
    // ---- Recordings metadata (issue 9; recording branch) ----
    // A whole-call recording file was finished (PostCallSender::recording_finished): must not
    // block. Null: no metadata is kept.
    std::function<void(store::RecordingRecord)> recording_finished = nullptr;
  };

  CallSession(Context context, sip::CallHandle handle, std::shared_ptr<const flow::AppDocument> app,
              store::CallRecord record, std::unique_ptr<media::MediaSession> media,
              media::StreamParams stream);
  ~CallSession() override;

  // The 200 OK went out: media flows and the app starts.
  void on_answered();
  // SIP says the call is over (either side). Returns the finished call log
  // entry; the session's private state is wiped.
  store::CallRecord on_ended(sip::EndReason reason, int status);
  void tick();
  const media::MediaStats& media_stats() const { return media_->stats(); }
  sip::CallHandle handle() const { return handle_; }
  const std::string& call_id() const { return record_.call_id; }

  // flow::FlowHost
  void play(const flow::PlayRequest& request) override;
  void stop_playback() override;
  void start_timer(std::chrono::milliseconds delay) override;
  void cancel_timer() override;
  void hangup() override;
  void web_request(const flow::WebRequest& request) override;
  void cancel_web_request() override;
  std::chrono::system_clock::time_point wall_now() const override;
  bool start_recognition(const flow::SpeechRequest& request) override;
  void stop_recognition() override;
  // Recording (call_recording.cc).
  void private_input(bool active) override;
  void start_record(const flow::RecordRequest& request) override;
  void stop_record(char termchar) override;
  // Transfer (call_transfer.cc).
  bool transfer(const flow::TransferRequest& request) override;
  void cancel_transfer() override;
  // Our REFER's progress, from the UA (blind transfers).
  void on_refer(const sip::ReferEvent& event);
  // Email and SMS (call_messages.cc).
  bool send_message(const flow::MessageRequest& request) override;
  void cancel_message() override;
  // Go To App.
  Result<std::shared_ptr<const flow::AppDocument>> load_app(std::string_view name,
                                                            int revision) override;
  flow::WsdlCache* wsdl_cache() override { return ctx_.wsdl; }
  // Assistant (call_assistant.cc).
  bool send_sip_info(const flow::SipInfoRequest& request) override;
  bool set_bye_headers(const std::vector<std::pair<std::string, std::string>>& headers) override;
  bool send_final_web_request(const flow::WebRequest& request) override;
  // A module's web request as the worker's client takes it (timeouts and limits from http:).
  services::HttpRequest http_request_for(const flow::WebRequest& request) const;
  // Call Recording module (call_recording_control.cc).
  Status control_call_recording(const flow::CallRecordingControl& control) override;
  // The Assistant's set_tts with a named voice (call_named_voice.cc).
  bool set_voice(std::string_view voice, std::string_view language) override;

  // ---- The dialog (call_dialog.cc) ----
  // A late offer's stream, agreed in the ACK: set before on_answered().
  void set_stream(media::StreamParams stream) { stream_ = std::move(stream); }
  // The stream as re-negotiated by a re-INVITE or UPDATE (hold, resume, codec, address).
  Status update_stream(media::StreamParams stream);
  // A key from SIP INFO; `span` is its Duration= (0: not given).
  void on_info_digit(char digit, std::chrono::milliseconds span);

 private:
  // The app's post-call request, built before the call's variables are wiped
  // (call_post_call.cc).
  void queue_post_call();
  void queue_recording_upload(const flow::PostCallFacts& facts);
  // A SOAP post-call request with a WSDL URL (call_post_call_wsdl.cc).
  void queue_post_call_wsdl(const flow::PostCallFacts& facts);
  // A REST/SOAP request with an OAuth2 token (oauth2_send.h).
  void send_oauth2_request(const flow::OAuth2Settings& oauth2, services::HttpRequest request,
                           std::function<void(services::HttpResponse)> answered);
  void message_done(const std::string& what, flow::MessageResult result,
                    std::chrono::microseconds elapsed);
  // Recording (call_recording.cc).
  void start_call_recording();
  void stop_call_recording();
  void check_record();  // each tick: final silence, maximum length, no input
  void finish_record(const char* reason, char termchar, bool deliver);
  Result<std::shared_ptr<media::CallRecorder>> open_recorder(const std::string& id,
                                                             const media::RecorderOptions& options);
  // Transfer (call_transfer.cc).
  void start_blind(const flow::TransferRequest& request);
  void start_bridged(const flow::TransferRequest& request);
  void finish_transfer(flow::TransferResult result);
  void on_prompt_ready(std::uint64_t play_id, Result<speech::SharedPrompt> prompt);
  // The voice for the session language, chosen once per language per call.
  const speech::VoiceInfo& voice_for(const std::string& language);

  Context ctx_;
  sip::CallHandle handle_;
  std::shared_ptr<const flow::AppDocument> app_;
  store::CallRecord record_;
  std::unique_ptr<media::MediaSession> media_;
  media::StreamParams stream_;
  std::unique_ptr<flow::Interpreter> interpreter_;
  std::uint64_t play_id_ = 0;  // a TTS result for an older play is dropped
  bool playing_ = false;
  io::TimerId timer_ = 0;
  services::HttpClient::RequestId web_id_ = 0;  // the REST request in flight
  std::uint64_t web_generation_ = 0;            // an OAuth2 answer for an older request is dropped
  bool ended_ = false;
  std::string hangup_reason_;  // set when we end the call ourselves (rtp_timeout)
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::map<std::string, speech::VoiceInfo> voices_;  // language -> voice (empty: default)
  std::unique_ptr<CallSpeech> speech_;               // made on the first recognition
  // Outbound: the answering-machine detector, fed the callee's audio until it decides.
  std::unique_ptr<media::AnsweringMachineDetector> amd_;
  void set_outbound_variables(flow::Variables& session);  // call_outbound.cc
  // Assistant (call_assistant.cc): play_url's audio fetch, and the BYE's headers.
  void play_url(std::uint64_t play_id, const std::string& url);
  void cancel_audio_fetch();
  services::HttpClient::RequestId audio_id_ = 0;
  sip::HeaderList bye_headers_;
  void feed_amd(std::span<const std::int16_t> pcm);

  // Whole-call recording (settings.record_call) and the Record module's recording.
  std::shared_ptr<media::CallRecorder> call_recorder_;
  std::string call_recording_id_;
  std::string finished_recording_;  // the whole-call recording's file, once it is complete
  std::shared_ptr<media::CallRecorder> module_recorder_;
  std::string record_id_;
  flow::RecordRequest record_request_;
  int recordings_ = 0;
  // Call Recording module (call_recording_control.cc): the whole-call recording is paused
  // while either holds it, so the end of a private module never undoes the builder's pause.
  bool recording_paused_by_module_ = false;
  bool private_input_active_ = false;
  int call_recording_files_ = 0;  // whole-call recording files begun (a stop, then a start)
  bool call_recording_stereo_ = true;
  Status open_call_recording(bool stereo);
  void apply_recording_pause();
  flow::PostCallFacts post_call_facts() const;

  // Transfer (call_transfer.cc).
  std::unique_ptr<TransferLeg> transfer_leg_;  // a bridged transfer's second leg
  bool transfer_active_ = false;               // a result is still due to the interpreter
  bool blind_transfer_ = false;                // ... from our REFER
  io::TimerId transfer_timer_ = 0;
  std::uint64_t transfer_id_ = 0;  // a result posted for an older transfer is dropped
  // The Email or SMS module's message in flight (call_messages.cc).
  services::SmtpClient::RequestId smtp_id_ = 0;
  services::HttpClient::RequestId sms_id_ = 0;
};

std::int64_t unix_ms(std::chrono::system_clock::time_point t);

}  // namespace keyline::server
