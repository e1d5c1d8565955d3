// The composition root for `keyline serve`: config → objects. One worker
// (event loop thread) owns SIP, media and every call; TTS and call-log writes
// run on threads of their own and post back.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/log.h"
#include "flow/app_document.h"
#include "flow/soap_wsdl.h"
#include "io/event_loop.h"
#include "sdp/offer_answer.h"
#include "server/api_host.h"
#include "server/call_session.h"
#include "server/config.h"
#include "server/leg_router.h"
#include "server/outbound_dialer.h"
#include "server/post_call_sender.h"
#include "server/routing_table.h"
#include "server/server_metrics.h"
#include "server/trunk_admission.h"
#include "sip/access_policy.h"
#include "sip/digest_authenticator.h"
#include "sip/loop_timer_service.h"
#include "sip/registration.h"
#include "sip/transport.h"
#include "sip/user_agent.h"
#include "speech/asr_worker.h"
#include "speech/prompt_renderer.h"
#include "speech/prompt_table.h"
#include "speech/voice_catalog.h"
#include "store/call_log_writer.h"
#include "store/repositories.h"

namespace keyline::server {

using AppCatalog = std::map<std::string, std::shared_ptr<const flow::AppDocument>>;

// The built-in demo app plus every <apps_dir>/*.json; errors carry file:line:col.
Result<AppCatalog> load_apps(const Config& config);

class Server {
 public:
  static Result<std::unique_ptr<Server>> create(Config config, Logger& logger);
  ~Server();

  // Runs until SIGINT/SIGTERM (or stop()); active calls get a BYE first.
  Status run();
  void stop();  // thread-safe
  std::uint16_t sip_port() const { return transport_->port(); }
  std::uint16_t api_port() const { return api_ ? api_->port() : 0; }

 private:
  Server(Config config, Logger& logger);
  Status open();
  std::optional<sip::Admission> admit(const sip::Message& request, const sip::Peer& from);
  void on_incoming(sip::CallHandle handle, const sip::Message& invite, const sip::Peer& from);
  void answer(sip::CallHandle handle);
  void on_ended(sip::CallHandle handle, sip::EndReason reason, int status);
  // The worker's 20 ms media tick (server_media_tick.cc): every call sends its
  // next frame, and the pacing figures go to the metrics.
  void tick_media();
  void count_media(const media::MediaStats& stats);  // a call's RTP totals, at its end
  void begin_shutdown();
  bool deploys_speech() const;  // a deployed app has a module listening for speech

  Config config_;
  Logger& logger_;
  IdGenerator ids_;
  AppCatalog apps_;
  // By app name: the variant secure deployments run (flow::as_secure_deployment).
  AppCatalog secure_apps_;
  std::map<std::string, std::shared_ptr<const speech::PromptAudioTable>> prompt_audio_;
  speech::VoiceCatalog voices_{{}};
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<speech::PromptRenderer> renderer_;
  // Speech input: the recognizer's thread; the model loads on the first recognition.
  std::unique_ptr<speech::AsrWorker> asr_;
  std::unique_ptr<services::HttpClient> http_;  // the worker's web client (REST modules)
  // OAuth2 tokens of the worker's REST/SOAP modules, shared by its calls (oauth2_send.h).
  std::unique_ptr<services::OAuth2TokenCache> oauth2_tokens_;
  // WSDLs fetched by URL for SOAP modules, shared by the worker's calls (flow/soap_wsdl.h).
  flow::WsdlCache wsdl_cache_;
  // Email and SMS modules (null when `email:` / `sms:` is not configured). The SMS client's
  // egress policy allows the provider's host alone.
  std::unique_ptr<services::SmtpClient> smtp_;
  std::unique_ptr<services::HttpClient> sms_http_;
  std::unique_ptr<store::CallLogWriter> call_logs_;
  // The apps' post-call requests: a durable queue and a sender thread (post_call_sender.h).
  std::unique_ptr<PostCallSender> post_call_;
  ServerMetrics metrics_;
  std::unique_ptr<ApiHost> api_;
  std::unique_ptr<sip::Transport> transport_;
  std::unique_ptr<sip::UserAgent> ua_;
  SystemClock clock_;
  std::unique_ptr<sip::DigestAuthenticator> auth_;  // set when sip.auth is configured
  std::unique_ptr<sip::AccessPolicy> access_;
  bool screen(const io::Endpoint& source);

  LegRouter legs_;  // bridged transfers' second legs (declared before calls_: outlives them)
  std::map<sip::CallHandle, std::unique_ptr<CallSession>> calls_;
  std::map<sip::CallHandle, std::string> answers_;  // SDP to send when the ring time is over
  // Calls that never got a session (rejected): their log entry waits for on_ended.
  std::map<sip::CallHandle, store::CallRecord> unanswered_;
  io::TimerId media_tick_ = 0;
  SteadyTime last_media_tick_due_{};
  int signal_fd_ = -1;
  bool shutting_down_ = false;

  // Routing (server_routing.cc): the config's deployments, then the stored ones, rebuilt when
  // the API changes them. Builds run on the API thread that made the change, under
  // reload_mutex_ (so tables are posted in the order they were built); the worker only swaps
  // the pointer. A call holds its route, so a reload never changes a running call's app.
  void build_config_routes();
  std::shared_ptr<const RoutingTable> build_routes();  // reload_mutex_ held
  void start_routing();                                // on open(), once the loop exists
  Status start_messaging();  // the SMTP and SMS clients, when configured (call_messages.cc)
  void reload_routes();                                // any thread
  std::vector<std::shared_ptr<const RoutedDeployment>> config_routes_;
  std::shared_ptr<const RoutingTable> routes_;  // worker thread only
  std::unique_ptr<store::DeploymentRepository> stored_deployments_;
  std::unique_ptr<store::AppRepository> stored_apps_;
  std::mutex reload_mutex_;
  bool routing_live_ = false;          // under reload_mutex_
  std::uint64_t routing_version_ = 0;  // under reload_mutex_
  // Go To App (server_routing.cc): a config app by name (revision 0), else the latest (or the
  // given) revision of a stored app that a deployment serves. Worker thread only. A secure
  // caller gets the secure variant.
  Result<std::shared_ptr<const flow::AppDocument>> find_sub_app(std::string_view name, int revision,
                                                                bool secure) const;

  // Outbound calls (server_outbound.cc): the dialer, the context every call session gets
  // (inbound ones add where the call came from), and taking over an answered outbound call.
  void start_outbound(store::Backend& backend);
  CallSession::Context session_context(const RoutedDeployment& route);
  void adopt_call(sip::CallHandle handle, std::unique_ptr<CallSession> call);
  std::unique_ptr<OutboundDialer> dialer_;  // worker thread only
  // ---- The dialog (server_dialog.cc): offers inside the dialog (re-INVITE, UPDATE: hold,
  // resume, codec or address change), late offer (our offer in the 200, the answer in the
  // ACK), and SIP INFO DTMF. Worker thread only.
  sip::SdpReply on_offer(sip::CallHandle handle, std::string_view offer);
  void on_ack_answer(sip::CallHandle handle, std::string_view answer);
  int on_info(sip::CallHandle handle, const sip::Message& info);
  Result<media::StreamParams> stream_params(const sdp::NegotiatedMedia& negotiated) const;
  std::map<sip::CallHandle, sdp::OfferAnswer> offer_answer_;  // each answered call's SDP state
  std::set<sip::CallHandle> late_offers_;  // 200 sent with our offer: media waits for the ACK

  // ---- Stored trunks in SIP admission (server_trunks.cc, trunk_admission.h). The table is
  // built on whichever thread asks (the API's after a trunk write, the worker's timer) under
  // trunk_mutex_, and the worker swaps it in; call counts live on the worker.
  void start_trunks(store::Backend& backend);  // on open(), once the loop exists
  void reload_trunks();                        // any thread
  // The trunk part of admit(): nullopt to go on with the config's checks.
  std::optional<sip::Admission> admit_trunk(const sip::Message& request, const sip::Peer& from);
  void trunk_call_started(sip::CallHandle handle, const TrunkRule* trunk);
  void trunk_call_ended(sip::CallHandle handle);
  media::DtmfMode call_dtmf(sip::CallHandle handle) const;
  std::unique_ptr<store::TrunkRepository> stored_trunks_;  // under trunk_mutex_
  std::shared_ptr<TrunkTable> trunks_built_;               // under trunk_mutex_
  std::mutex trunk_mutex_;
  bool trunks_live_ = false;                  // under trunk_mutex_
  std::string trunks_fingerprint_;            // under trunk_mutex_: what the last table held
  std::uint64_t trunk_version_ = 0;           // under trunk_mutex_
  std::shared_ptr<const TrunkTable> trunks_;  // worker thread only
  TrunkCallCount trunk_calls_;
  struct CallTrunk {
    std::string name;
    media::DtmfMode dtmf;
  };
  std::map<sip::CallHandle, CallTrunk> call_trunks_;
  io::TimerId trunk_timer_ = 0;

  // ---- REGISTER to registrars (server_registrations.cc, sip/registration.h). Worker thread,
  // but for the state counts, which /metrics reads from the API's threads.
  Status start_registrations();  // after the user agent exists
  void stop_registrations();     // un-REGISTER at shutdown
  void stop_loop();              // once the un-REGISTERs are answered (bounded)
  std::string registration_metrics() const;
  std::unique_ptr<sip::LoopTimerService> registration_timers_;
  std::vector<std::unique_ptr<sip::Registration>> registrations_;
  std::vector<sip::RegistrationState> registration_states_;  // worker: each one's last state
  std::array<std::atomic<int>, 5> registration_counts_{};    // by sip::RegistrationState
  int unregistering_ = 0;
  bool stop_wanted_ = false;
};

}  // namespace keyline::server
