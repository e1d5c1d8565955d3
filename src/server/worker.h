// One worker per core (docs/sip.md, "Workers"): an event loop thread that owns its SIP
// sockets (bound with SO_REUSEPORT beside the other workers'), a user agent, and every call
// it answered or placed, with the call's dialog, media, interpreter and web requests. Nothing
// of a call is shared with another worker, so nothing of a call takes a lock.
//
// The kernel spreads UDP datagrams over the workers by source address, which would put a
// whole trunk on one worker; so a datagram is handed to the worker its Call-ID hashes to
// (call_dispatch.h), and the Call-IDs a worker makes itself hash back to it. A TCP or TLS
// connection stays with the worker that accepted or opened it, but the messages on it are
// handed over by Call-ID too, with the connection's id: what the owner sends back goes to
// the connection's worker, which writes it (send_on_held).
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <functional>
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
#include "speech/voice_catalog.h"
#include "store/backend.h"
#include "store/call_log_writer.h"
#include "store/repositories.h"

namespace keyline::server {

using AppCatalog = std::map<std::string, std::shared_ptr<const flow::AppDocument>>;

// What every worker asks before letting a request in, kept in one place so rate limits,
// bans, digest nonces and trunk caps hold across workers. Any worker thread, under `mutex`.
struct SharedAdmission {
  std::mutex mutex;
  std::unique_ptr<sip::AccessPolicy> access;
  std::unique_ptr<sip::DigestAuthenticator> auth;  // null: sip.auth is off
  TrunkCallCount trunk_calls;
};

// What a worker borrows from the server: immutable after start, or safe from any thread.
struct WorkerShared {
  const Config& config;
  Logger& logger;
  ServerMetrics& metrics;
  const AppCatalog& apps;
  const AppCatalog& secure_apps;  // by app name: the variant secure deployments run
  const speech::VoiceCatalog& voices;
  speech::PromptRenderer& renderer;
  speech::AsrWorker& asr;
  store::CallLogWriter& call_logs;
  PostCallSender& post_call;
  SharedAdmission& admission;
  std::size_t worker_count = 1;
  // Hands a received message to the worker that owns it (posted to that worker's loop).
  std::function<void(std::size_t worker, sip::Message message, const sip::Peer& from)> route;
  // Hands bytes for a connection that another worker holds back to it (Peer::held_elsewhere).
  std::function<void(std::size_t worker, std::string bytes, const sip::Peer& to)> hand_back;
  // Calls in every worker's user agent, for sip.access.max_calls.
  std::function<std::size_t()> total_calls;
  // A shutting-down worker has hung up its calls and removed its registrations (or gave up
  // waiting). Its loop runs on until the server stops every worker's.
  std::function<void()> finished;
};

class Worker {
 public:
  // Opens the worker's loop, web clients and SIP sockets. `index` 0 is the first worker: it
  // checks that the SIP ports are free, and runs the outbound dialer and the registrations.
  static Result<std::unique_ptr<Worker>> create(const WorkerShared& shared, std::size_t index,
                                                sip::TransportConfig transport,
                                                std::shared_ptr<const RoutingTable> routes,
                                                std::shared_ptr<const TrunkTable> trunks);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  io::EventLoop& loop() { return *loop_; }
  const sip::Transport& transport() const { return *transport_; }
  std::size_t index() const { return index_; }
  // The dialer (outbound calls) and the registrations; first worker only, after create().
  Status start_outbound(store::Backend& backend);
  Status start_registrations();

  // Any thread: each is posted to the worker's loop.
  void deliver(sip::Message message, const sip::Peer& from);
  // Bytes another worker sends on a connection this worker holds (to.held_elsewhere names it).
  void send_on_held(std::string bytes, const sip::Peer& to);
  void set_routes(std::shared_ptr<const RoutingTable> table, std::uint64_t version);
  void set_trunks(std::shared_ptr<const TrunkTable> table, bool changed, std::uint64_t version);
  void shutdown();  // BYE to every call, then the loop stops (bounded)

  // Any thread: this worker's user-agent calls as of its last admission or call end.
  std::size_t published_calls() const { return published_calls_.load(); }
  std::string registration_metrics() const;  // any thread

 private:
  Worker(const WorkerShared& shared, std::size_t index);
  Status open(sip::TransportConfig transport);
  std::string new_call_id();  // one whose dispatch comes back here
  void on_message(sip::Message message, const sip::Peer& from);
  bool screen(const io::Endpoint& source);
  std::optional<sip::Admission> admit(const sip::Message& request, const sip::Peer& from);
  void on_incoming(sip::CallHandle handle, const sip::Message& invite, const sip::Peer& from);
  void answer(sip::CallHandle handle);
  void on_ended(sip::CallHandle handle, sip::EndReason reason, int status);
  void publish_calls() { published_calls_.store(ua_->active_calls()); }
  // The media tick (worker_media_tick.cc): every 2 ms, the calls of the next of ten phases
  // send their next frame (each call every 20 ms), and the pacing figures go to the metrics.
  static Millis media_phase_period();
  void tick_media();
  void tick_media_phase(std::uint64_t phase, SteadyTime due);
  void count_media(const media::MediaStats& stats);  // a call's RTP totals, at its end
  void begin_shutdown();
  void stop_loop();  // once the un-REGISTERs are answered (bounded), finish()
  void finish();     // tells the server, once
  bool finished_ = false;

  const WorkerShared shared_;
  const std::size_t index_;
  // Short names for the shared pieces the call code uses everywhere.
  const Config& config_;
  Logger& logger_;
  ServerMetrics& metrics_;
  const AppCatalog& apps_;
  const AppCatalog& secure_apps_;
  IdGenerator ids_;
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<services::HttpClient> http_;  // the worker's web client (REST modules)
  // OAuth2 tokens of the worker's REST/SOAP modules, shared by its calls (oauth2_send.h).
  std::unique_ptr<services::OAuth2TokenCache> oauth2_tokens_;
  // WSDLs fetched by URL for SOAP modules, shared by the worker's calls (flow/soap_wsdl.h).
  flow::WsdlCache wsdl_cache_;
  // Email and SMS modules (null when `email:` / `sms:` is not configured). The SMS client's
  // egress policy allows the provider's host alone.
  std::unique_ptr<services::SmtpClient> smtp_;
  std::unique_ptr<services::HttpClient> sms_http_;
  Status start_messaging();  // call_messages.cc
  std::unique_ptr<sip::Transport> transport_;
  std::unique_ptr<sip::UserAgent> ua_;
  std::atomic<std::size_t> published_calls_{0};

  LegRouter legs_;  // bridged transfers' second legs (declared before calls_: outlives them)
  std::map<sip::CallHandle, std::unique_ptr<CallSession>> calls_;
  std::map<sip::CallHandle, std::string> answers_;  // SDP to send when the ring time is over
  // Calls that never got a session (rejected): their log entry waits for on_ended.
  std::map<sip::CallHandle, store::CallRecord> unanswered_;
  io::TimerId media_tick_ = 0;
  SteadyTime next_phase_due_{};  // when the next phase's frames are due
  std::uint64_t next_phase_ = 0;
  // calls_ sorted by phase, rebuilt when a call comes or goes: walking the map ten times a
  // tick to pick a quarter of it cost more than the calls' own ticks.
  std::vector<std::vector<CallSession*>> media_phases_;
  bool media_phases_stale_ = true;
  bool shutting_down_ = false;

  // ---- Routing (worker_routing.cc): the table in use; the server builds new ones and posts
  // them. A call holds its route, so a reload never changes a running call's app.
  std::shared_ptr<const RoutingTable> routes_;
  // Go To App: a config app by name (revision 0), else the latest (or the given) revision of
  // a stored app that a deployment serves. A secure caller gets the secure variant.
  Result<std::shared_ptr<const flow::AppDocument>> find_sub_app(std::string_view name, int revision,
                                                                bool secure) const;

  // ---- Outbound calls (worker_outbound.cc): the dialer (first worker), the context every
  // call session gets (inbound ones add where the call came from), and taking over an
  // answered outbound call.
  CallSession::Context session_context(const RoutedDeployment& route);
  void adopt_call(sip::CallHandle handle, std::unique_ptr<CallSession> call);
  std::unique_ptr<OutboundDialer> dialer_;

  // ---- The dialog (worker_dialog.cc): offers inside the dialog (re-INVITE, UPDATE: hold,
  // resume, codec or address change), late offer (our offer in the 200, the answer in the
  // ACK), and SIP INFO DTMF.
  sip::SdpReply on_offer(sip::CallHandle handle, std::string_view offer);
  void on_ack_answer(sip::CallHandle handle, std::string_view answer);
  int on_info(sip::CallHandle handle, const sip::Message& info);
  Result<media::StreamParams> stream_params(const sdp::NegotiatedMedia& negotiated) const;
  std::map<sip::CallHandle, sdp::OfferAnswer> offer_answer_;  // each answered call's SDP state
  std::set<sip::CallHandle> late_offers_;  // 200 sent with our offer: media waits for the ACK

  // ---- Stored trunks in SIP admission (worker_trunks.cc, trunk_admission.h): the table in
  // use (the server builds it and posts it), and each call's trunk.
  std::optional<sip::Admission> admit_trunk(const sip::Message& request, const sip::Peer& from);
  void trunk_call_started(sip::CallHandle handle, const TrunkRule* trunk);
  void trunk_call_ended(sip::CallHandle handle);
  media::DtmfMode call_dtmf(sip::CallHandle handle) const;
  std::shared_ptr<const TrunkTable> trunks_;
  struct CallTrunk {
    std::string name;
    media::DtmfMode dtmf;
  };
  std::map<sip::CallHandle, CallTrunk> call_trunks_;

  // ---- REGISTER to registrars (worker_registrations.cc, sip/registration.h); first worker,
  // but for the state counts, which /metrics reads from the API's threads. The config's
  // `sip.register` entries run for the server's life; stored trunks' registrations follow the
  // trunk table (started, restarted with new settings, removed with their trunk).
  struct RegistrationSpec {
    std::string name;  // in logs
    std::string registrar;
    std::string aor;
    std::string contact_user;
    sip::TransportKind transport = sip::TransportKind::kUdp;
    std::string username;
    std::string password;
    int expires_s = 3600;
    Millis retry_min{30000};
    Millis retry_max{600000};
  };
  // `id` gets the number its state is counted under.
  Result<std::unique_ptr<sip::Registration>> make_registration(const RegistrationSpec& spec,
                                                               std::uint64_t& id);
  void sync_trunk_registrations();  // to trunks_
  // Un-REGISTERs it; it goes (and leaves the counts) once that is answered.
  void retire_registration(std::unique_ptr<sip::Registration> registration, std::uint64_t id);
  void stop_registrations();  // un-REGISTER at shutdown
  std::unique_ptr<sip::LoopTimerService> registration_timers_;
  std::vector<std::unique_ptr<sip::Registration>> registrations_;  // the config's
  struct RunningTrunkRegistration {
    TrunkRegister settings;
    std::unique_ptr<sip::Registration> registration;
    std::uint64_t id = 0;
  };
  std::map<std::string, RunningTrunkRegistration> trunk_registrations_;  // by trunk name
  // Removed or replaced, sending their un-REGISTER; each goes once it is answered.
  std::vector<std::unique_ptr<sip::Registration>> retired_registrations_;
  bool registrations_started_ = false;
  // Each registration's last state (by a number of its own), for the counts.
  std::map<std::uint64_t, sip::RegistrationState> registration_states_;
  std::uint64_t next_registration_ = 0;
  std::array<std::atomic<int>, 5> registration_counts_{};  // by sip::RegistrationState
  std::atomic<bool> has_registrations_{false};             // for /metrics
  int unregistering_ = 0;
  bool stop_wanted_ = false;
};

}  // namespace keyline::server
