#include "server/server.h"

#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <filesystem>

#include "base/secure_random.h"
#include "flow/speech_input.h"
#include "privacy/redact.h"
#include "sdp/negotiation.h"
#include "sdp/session.h"
#include "server/app_prompts.h"
#include "server/app_voices.h"
#include "server/demo_app.h"
#include "server/media_codec.h"
#include "server/media_crypto.h"
#include "server/secure_deployment.h"
#include "sip/uri.h"
#include "speech/flite_engine.h"
#include "speech/pocketsphinx_asr.h"
#include "store/backend.h"
#include "store/call_log_store.h"
#include "store/migrations.h"

namespace keyline::server {
namespace {

std::string uri_user(std::string_view uri_text) {
  auto uri = sip::parse_uri(uri_text);
  return uri ? uri->user : std::string();
}

std::string name_addr_uri(std::optional<std::string_view> header) {
  if (!header) return {};
  auto na = sip::parse_name_addr(*header);
  return na ? na->uri.to_string() : std::string(*header);
}

}  // namespace

Result<AppCatalog> load_apps(const Config& config) {
  AppCatalog apps;
  auto demo = flow::parse_app(demo_app_json(), "(built-in)/demo.json");
  if (!demo) return demo.error();
  apps["demo"] = std::make_shared<flow::AppDocument>(std::move(demo.value()));
  std::string errors;
  std::error_code ec;
  bool skip_dir = config.apps_dir.empty() ||
                  (config.apps_dir_optional && !std::filesystem::exists(config.apps_dir, ec));
  if (!skip_dir) {
    if (!std::filesystem::is_directory(config.apps_dir, ec))
      return make_error("config", "apps_dir " + config.apps_dir + ": not a directory");
    for (const auto& entry : std::filesystem::directory_iterator(config.apps_dir, ec)) {
      if (entry.path().extension() != ".json") continue;
      auto app = flow::load_app(entry.path().string());
      if (!app) {
        errors += (errors.empty() ? "" : "\n") + app.error().message;
        continue;
      }
      if (auto audited = check_secure_audit(*app, "app " + entry.path().stem().string());
          !audited) {
        errors += (errors.empty() ? "" : "\n") + audited.error().message;
        continue;
      }
      apps[entry.path().stem().string()] = std::make_shared<flow::AppDocument>(std::move(*app));
    }
  }
  if (!errors.empty()) return make_error("app", errors);
  for (const auto& d : config.deployments) {
    if (!apps.count(d.app))
      return make_error("config", config.source + ": deployment '" + d.name + "': no app named '" +
                                      d.app + "' (looked in " +
                                      (config.apps_dir.empty() ? "built-ins" : config.apps_dir) +
                                      ")");
    if (!d.secure) continue;
    auto audited = check_secure_audit(flow::as_secure_deployment(*apps.at(d.app)),
                                      "deployment '" + d.name + "'");
    if (!audited) return audited.error();
  }
  return apps;
}

Result<std::unique_ptr<Server>> Server::create(Config config, Logger& logger) {
  std::unique_ptr<Server> server(new Server(std::move(config), logger));
  auto opened = server->open();
  if (!opened) return opened.error();
  return server;
}

Server::Server(Config config, Logger& logger) : config_(std::move(config)), logger_(logger) {}

Server::~Server() {
  api_.reset();
  dialer_.reset();  // its ringing legs CANCEL through the UA
  calls_.clear();
  ua_.reset();
  transport_.reset();
  if (signal_fd_ >= 0) {
    loop_->remove_fd(signal_fd_);
    ::close(signal_fd_);
  }
}

Status Server::open() {
  // SIGINT/SIGTERM arrive as readable events on the loop, not as handlers.
  // They are blocked before any thread starts, so every thread inherits it.
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &mask, nullptr);
  logger_.info("server", "config: " + config_.source);
  // Everything that can be wrong with config or apps fails here, before any
  // socket opens.
  auto apps = load_apps(config_);
  if (!apps) return apps.error();
  apps_ = std::move(*apps);
  logger_.info("server", "apps directory: " +
                             (config_.apps_dir.empty() ? std::string("(none)") : config_.apps_dir));
  voices_ = speech::VoiceCatalog::installed();
  std::string voice_errors;
  for (const auto& [name, app] : apps_) {
    for (const auto& problem : check_app_voices(*app, voices_))
      voice_errors += (voice_errors.empty() ? "" : "\n") + problem;
  }
  if (!voice_errors.empty()) return make_error("app", voice_errors);
  // A secure deployment runs its own variant of the app: secure, every value private.
  for (const auto& d : config_.deployments) {
    if (!d.secure || secure_apps_.count(d.app)) continue;
    secure_apps_[d.app] =
        std::make_shared<flow::AppDocument>(flow::as_secure_deployment(*apps_.at(d.app)));
    logger_.info("server", "deployment " + d.name + " is secure (TLS and SRTP " +
                               (d.secure_media_warn ? "expected, warn only" : "required") + ")");
  }
  for (const auto& [name, app] : apps_) {
    logger_.info("server", "app loaded: " + name);
    // Recorded prompts are decoded and encoded for every codec now, once. A file that cannot
    // be used is a warning: its prompt is spoken by TTS instead (keyline validate fails it).
    auto prompts = load_app_prompts(*app);
    for (const auto& problem : prompts.problems) logger_.warn("app", problem);
    if (prompts.audio->size())
      logger_.info("server", "app " + name + ": " + std::to_string(prompts.audio->size()) +
                                 " recorded prompt(s)");
    prompt_audio_[name] = std::move(prompts.audio);
  }

  std::error_code ec;
  std::filesystem::create_directories(config_.data_dir, ec);
  if (ec) return make_error("io", "data_dir " + config_.data_dir + ": " + ec.message());
  std::string db_path = (std::filesystem::path(config_.data_dir) / "keyline.db").string();
  auto opened_db = store::open_and_migrate(db_path);
  if (!opened_db) return opened_db.error();
  std::shared_ptr<store::Database> db(std::move(*opened_db));
  // Apps, deployments, users, the audit log and call logs: this file, or
  // PostgreSQL when database.url is set.
  std::shared_ptr<store::Backend> backend = store::make_sqlite_backend(db);
  if (!config_.database.url.empty()) {
    auto pg = store::open_postgres_backend(config_.database.url, config_.database.password,
                                           config_.database.pool_size);
    if (!pg) return make_error("store", "database.url: " + pg.error().message);
    backend = *pg;
  }
  logger_.info("server", "database: " + backend->describe());
  stored_deployments_ = backend->deployments();
  stored_apps_ = backend->apps();
  build_config_routes();
  call_logs_ = std::make_unique<store::CallLogWriter>(
      backend->call_logs(config_.privacy), [this](const Error& e) {
        ++metrics_.call_log_write_errors;
        logger_.error("store", "call log write failed: " + e.message);
      });
  logger_.info("server", "call logs: " + backend->describe());
  auto post_call = PostCallSender::start(backend->post_call_queue(), config_.http, logger_);
  if (!post_call) return post_call.error();
  post_call_ = std::move(*post_call);
  post_call_->attach_recordings(backend->recordings());  // recordings metadata (issue 9)
  // The renderer (and its cache) exists before the API, whose /metrics reads the cache's figures.
  auto engine = speech::make_flite_engine();
  if (!engine) return make_error("tts", "the flite voice cmu_us_kal could not be loaded");
  auto cache = speech::TtsCache::open(config_.tts_cache);
  if (!cache) return cache.error();
  if (!config_.tts_cache.disk_dir.empty())
    logger_.info("server", "tts cache on disk: " + config_.tts_cache.disk_dir);
  renderer_ = std::make_unique<speech::PromptRenderer>(
      std::move(engine), std::move(*cache),
      [](const speech::VoiceInfo& voice) { return speech::VoiceCatalog::make_engine(voice); });
  asr_ =
      std::make_unique<speech::AsrWorker>([this]() -> Result<std::unique_ptr<speech::AsrEngine>> {
        auto engine = speech::make_pocketsphinx_engine();
        if (engine) logger_.info("server", "speech recognition: pocketsphinx model loaded");
        return engine;
      });
  // A deployed app that listens for speech: load the model now, in the background, so the
  // first caller does not wait for it. Servers whose apps take keys only never load it.
  if (deploys_speech()) asr_->post([](Result<speech::AsrEngine*>) {});
  auto api = ApiHost::start(
      config_, backend,
      [this] {
        return metrics_.prometheus_text() + renderer_->cache().prometheus_text() +
               ServerMetrics::gauge_text("keyline_call_log_queue_depth",
                                         "Call logs waiting for the writer thread.",
                                         call_logs_ ? call_logs_->queued() : 0) +
               post_call_->prometheus_text() + registration_metrics();
      },
      logger_, std::cout,
      [this] {
        reload_routes();
        reload_trunks();  // trunk writes come through the same hook
      });
  if (!api) return api.error();
  api_ = std::move(*api);

  auto loop = io::EventLoop::create();
  if (!loop) return loop.error();
  loop_ = std::move(*loop);
  auto http = services::HttpClient::create(*loop_, config_.http.client, &logger_);
  if (!http) return http.error();
  http_ = std::move(*http);
  oauth2_tokens_ = std::make_unique<services::OAuth2TokenCache>(
      [this](services::HttpRequest r, services::HttpClient::Callback done) {
        http_->start(std::move(r), std::move(done));
      },
      [this] { return loop_->now(); });
  if (auto status = start_messaging(); !status) return status.error();
  start_routing();

  sip::TransportConfig tc{config_.sip.listen, config_.sip.port, config_.sip.udp, config_.sip.tcp};
  tc.idle_timeout = std::chrono::seconds(config_.sip.idle_timeout_s);
  tc.max_connections = static_cast<std::size_t>(config_.sip.max_connections);
  tc.max_connections_per_source = static_cast<std::size_t>(config_.sip.max_connections_per_source);
  if (const auto& tls = config_.sip.tls; tls.enabled) {
    // Certificates and keys are loaded (and checked against each other)
    // before any socket opens, so a bad file stops the start.
    auto server_ctx =
        io::TlsContext::server(io::TlsServerSettings{tls.cert, tls.key, tls.ca, tls.verify_client});
    if (!server_ctx) return make_error("config", "sip.tls: " + server_ctx.error().message);
    auto client_ctx = io::TlsContext::client(io::TlsClientSettings{tls.ca});
    if (!client_ctx) return make_error("config", "sip.tls: " + client_ctx.error().message);
    tc.tls_server = *server_ctx;
    tc.tls_port = tls.port;
    tc.tls_client = *client_ctx;
  }
  auto transport = sip::Transport::create(
      *loop_, tc,
      [this](sip::Message m, const sip::Peer& from) {
        if (m.is_request()) metrics_.count_sip_request(m.method);
        ua_->on_message(std::move(m), from);
      },
      logger_);
  if (!transport) return transport.error();
  transport_ = std::move(*transport);
  transport_->set_response_observer([this](int status) { metrics_.count_sip_response(status); });
  {
    const auto& a = config_.sip.access;
    sip::AccessPolicyConfig pc;
    for (const auto& cidr : a.allow)
      if (auto parsed = sip::Cidr::parse(cidr)) pc.allow.push_back(*parsed);
    pc.deny_with_403 = a.deny_with_403;
    pc.rate_per_second = a.rate_per_second;
    pc.burst = a.burst;
    pc.ban_after_failures = a.ban_after_failures;
    pc.failure_window = std::chrono::seconds(a.failure_window_seconds);
    pc.ban_for = std::chrono::seconds(a.ban_seconds);
    pc.max_calls = a.max_calls;
    pc.retry_after_s = a.retry_after_seconds;
    access_ = std::make_unique<sip::AccessPolicy>(std::move(pc), clock_);
    transport_->set_screen([this](const io::Endpoint& source) { return screen(source); });
    if (!a.allow.empty())
      logger_.info("server", "SIP allowed from " + std::to_string(a.allow.size()) +
                                 " prefix(es); others " +
                                 (a.deny_with_403 ? "get 403" : "are dropped"));
  }

  sip::UaConfig uc;
  uc.t1 = Millis(config_.sip.t1_ms);
  uc.t2 = Millis(config_.sip.t2_ms);
  uc.session_timer.enabled = config_.sip.session_expires_s > 0;
  uc.session_timer.session_expires_s = config_.sip.session_expires_s;
  uc.session_timer.min_se_s = config_.sip.min_se_s;
  sip::UserAgent::Handlers h;
  if (config_.sip.auth.enabled) {
    sip::DigestAuthConfig ac;
    ac.realm = config_.sip.auth.realm;
    ac.users = config_.sip.auth.users;
    ac.algorithms.clear();
    for (const auto& name : config_.sip.auth.algorithms)
      if (auto alg = sip::parse_digest_algorithm(name)) ac.algorithms.push_back(*alg);
    auto auth = sip::DigestAuthenticator::create(std::move(ac), clock_, fill_secure_random);
    if (!auth) return auth.error();
    auth_ = std::move(*auth);
    logger_.info("server", "digest authentication on (realm \"" + config_.sip.auth.realm + "\", " +
                               std::to_string(config_.sip.auth.users.size()) + " user(s))");
  }
  h.admit = [this](const sip::Message& invite, const sip::Peer& from) {
    return admit(invite, from);
  };
  h.on_incoming = [this](sip::CallHandle c, const sip::Message& invite, const sip::Peer& from) {
    on_incoming(c, invite, from);
  };
  h.on_ended = [this](sip::CallHandle c, sip::EndReason r, int status) {
    if (LegEvents* leg = legs_.find(c)) return leg->on_leg_ended(r, status);
    on_ended(c, r, status);
  };
  // Outbound legs are the server's own (bridged transfers); blind transfers report on the
  // caller's dialog.
  h.on_provisional = [this](sip::CallHandle c, const sip::Message& response) {
    if (LegEvents* leg = legs_.find(c)) leg->on_leg_provisional(response);
  };
  h.on_answered = [this](sip::CallHandle c, const sip::Message& response) {
    if (LegEvents* leg = legs_.find(c)) {
      leg->on_leg_answered(response);
    } else {
      ua_->hangup(c);  // an answer for a leg nobody wants any more
    }
  };
  h.on_refer = [this](sip::CallHandle c, const sip::ReferEvent& event) {
    if (auto it = calls_.find(c); it != calls_.end()) it->second->on_refer(event);
  };
  h.on_offer = [this](sip::CallHandle c, std::string_view offer) { return on_offer(c, offer); };
  h.on_ack_answer = [this](sip::CallHandle c, std::string_view answer) {
    on_ack_answer(c, answer);
  };
  h.on_info = [this](sip::CallHandle c, const sip::Message& info) { return on_info(c, info); };
  ua_ = std::make_unique<sip::UserAgent>(*loop_, *transport_, uc, std::move(h), logger_, ids_);
  start_outbound(*backend);
  start_trunks(*backend);
  if (auto registered = start_registrations(); !registered) return registered.error();

  std::string transports = std::string(transport_->has_udp() ? "UDP" : "") +
                           (transport_->has_udp() && transport_->has_tcp() ? ", " : "") +
                           (transport_->has_tcp() ? "TCP" : "");
  if (transport_->has_tls())
    logger_.info("server",
                 "SIP over TLS on " + transport_->host() + ":" +
                     std::to_string(transport_->tls_port()) +
                     (config_.sip.tls.verify_client ? " (client certificates required)" : ""));
  logger_.info("server", "listening for SIP on " + transport_->host() + ":" +
                             std::to_string(transport_->port()) + " (" + transports + ")");

  media_tick_ = loop_->add_periodic(Millis(20), [this] { tick_media(); });

  signal_fd_ = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
  if (signal_fd_ >= 0) {
    auto added = loop_->add_fd(signal_fd_, EPOLLIN, [this](std::uint32_t) {
      signalfd_siginfo info;
      while (::read(signal_fd_, &info, sizeof info) == sizeof info) {
      }
      begin_shutdown();
    });
    if (!added) return added.error();
  }
  return Ok{};
}

bool Server::screen(const io::Endpoint& source) {
  auto decision = access_->check(source);
  if (decision == sip::AccessDecision::kAllow) return true;
  // Not on the allow-list with `deny: 403`: admit() answers requests 403.
  if (decision == sip::AccessDecision::kDeny && access_->config().deny_with_403) return true;
  // A stored trunk's allow list lets its carrier in without a config edit.
  if (decision == sip::AccessDecision::kDeny && trunks_ && trunks_->match(source)) return true;
  if (logger_.enabled(LogLevel::kDebug))
    logger_.debug("access", "dropped a message from " + source.to_string() + ": " +
                                std::string(sip::access_decision_name(decision)));
  return false;
}

std::optional<sip::Admission> Server::admit(const sip::Message& request, const sip::Peer& from) {
  // Order: who (allow-list), how many (call cap), then credentials, so an
  // overloaded server spends no hashing on callers it would turn away.
  const bool on_trunk = trunks_ && trunks_->match(from.endpoint);
  if (!on_trunk && !access_->allowed_address(from.endpoint)) {
    logger_.info("access", request.method + " from " + from.endpoint.to_string() +
                               " refused: not on the allow-list");
    return sip::Admission{403, {}};
  }
  // OPTIONS stays unauthenticated and uncapped: it is the health check.
  if (request.method != "INVITE") return std::nullopt;
  if (access_->calls_full(ua_->active_calls())) {
    logger_.info("access",
                 "INVITE from " + from.endpoint.to_string() + " refused: max_calls reached");
    return sip::Admission{503, {{"Retry-After", std::to_string(access_->config().retry_after_s)}}};
  }
  // A stored trunk decides for its own sources (server_trunks.cc): its cap, its credentials.
  // One without credentials is trusted by its address, as carriers' trunks usually are.
  if (on_trunk) return admit_trunk(request, from);
  if (!auth_) return std::nullopt;
  auto outcome = auth_->check(request, from.endpoint.host());
  if (outcome.verdict == sip::AuthVerdict::kFailed) access_->auth_failed(from.endpoint);
  if (outcome.verdict == sip::AuthVerdict::kOk) access_->auth_succeeded(from.endpoint);
  if (outcome.verdict == sip::AuthVerdict::kOk) {
    logger_.info("auth",
                 "INVITE from " + from.endpoint.to_string() + " authenticated as " + outcome.user);
    return std::nullopt;
  }
  // The claimed user name is not logged on failure: it is often a password
  // typed into the wrong field.
  if (outcome.verdict == sip::AuthVerdict::kFailed)
    logger_.info("auth", "INVITE from " + from.endpoint.to_string() + ": authentication failed");
  sip::Admission refused{401, {}};
  for (auto& c : outcome.challenges) refused.headers.emplace_back("WWW-Authenticate", c);
  return refused;
}

void Server::on_incoming(sip::CallHandle handle, const sip::Message& invite,
                         const sip::Peer& from) {
  store::CallRecord record;
  record.call_id = ids_.token(16);
  record.sip_call_id = std::string(invite.header("Call-ID").value_or(""));
  record.from = name_addr_uri(invite.header("From"));
  record.to = invite.request_uri;
  record.start_unix_ms = unix_ms(std::chrono::system_clock::now());
  std::string called = uri_user(invite.request_uri);
  logger_.info("call", "call " + record.call_id + " from " +
                           privacy::mask_caller_id(uri_user(record.from)) + " to " + called +
                           " via " + from.endpoint.to_string() + "/" +
                           std::string(from.transport_name()));
  ++metrics_.calls_total;
  auto reject = [&](int status, const std::string& why) {
    ++metrics_.calls_rejected;
    logger_.info("call",
                 "call " + record.call_id + " rejected " + std::to_string(status) + ": " + why);
    unanswered_[handle] = record;
    ua_->reject(handle, status);
  };
  if (shutting_down_) return reject(503, "shutting down");
  const auto route = routes_->find(called);
  if (!route) return reject(404, "no deployment for the called number");
  const Deployment* deployment = &route->deployment;
  const TrunkRule* trunk = trunks_ ? trunks_->match(from.endpoint) : nullptr;
  // 404 as for a number nobody serves: a source off the trunk learns nothing about it.
  if (!deployment->trunk.empty() && (!trunk || trunk->name != deployment->trunk))
    return reject(404, "deployment '" + deployment->name + "' takes calls on trunk '" +
                           deployment->trunk + "' only");
  trunk_call_started(handle, trunk);
  record.app = deployment->app;
  record.deployment = deployment->name;
  const auto& app = route->app;
  if (auto v = check_transport(*deployment, from.secure()); v.status) {
    if (v.refuse) return reject(v.status, v.reason);
    logger_.warn("call", "call " + record.call_id + " accepted (secure_media: warn): " + v.reason);
  }

  // Late offer (RFC 3261 13.2.1): an INVITE without SDP gets our offer in the 200 and the
  // answer comes in the ACK; media and the app start then (server_dialog.cc).
  const bool late_offer = invite.body.empty();
  std::optional<sdp::SessionDescription> offer;
  if (!late_offer) {
    auto parsed = sdp::parse(invite.body);
    if (!parsed) return reject(488, "unparsable SDP: " + parsed.error().message);
    offer = std::move(*parsed);
  }
  media::MediaConfig mc{config_.sip.listen, config_.media.rtp_port_min, config_.media.rtp_port_max};
  auto media = media::MediaSession::create(*loop_, mc, ids_);
  if (!media) return reject(503, "no RTP port: " + media.error().message);
  sdp::LocalMedia local;
  local.address = config_.sip.listen;
  local.rtp_port = (*media)->local_port();
  local.session_id = ids_.u32();
  local.srtp = trunk ? trunk->srtp : config_.media.srtp;
  // A secure deployment takes SRTP whenever it is offered, even where media.srtp is off; it
  // offers SRTP itself (late offer) since plain RTP would be refused anyway.
  if (deployment->secure && local.srtp == sdp::SrtpPolicy::kOff)
    local.srtp = late_offer ? sdp::SrtpPolicy::kMandatory : sdp::SrtpPolicy::kOptional;
  // Any codec we can play, in the offerer's order: a G.722-first softphone
  // gets G.722. In inband and info modes telephone-event is declined, so the
  // peer knows to use the other method.
  local.codecs = {sdp::Codec::kPcmu, sdp::Codec::kPcma, sdp::Codec::kG722};
  const media::DtmfMode dtmf = call_dtmf(handle);
  if (dtmf == media::DtmfMode::kInband || dtmf == media::DtmfMode::kInfo)
    local.telephone_event_pt = 0;
  sdp::OfferAnswer offer_answer(local);
  media::StreamParams stream;
  std::string local_sdp;
  if (late_offer) {
    auto ours = offer_answer.offer();
    if (!ours) return reject(500, ours.error().message);
    local_sdp = sdp::serialize(*ours);
    logger_.info("call", "call " + record.call_id +
                             " late offer: our offer goes in the 200, the answer in the ACK");
  } else {
    auto negotiated = offer_answer.answer(*offer);
    // 488 for what the offer asked (codecs, SRTP policy); 500 when we could not
    // make a key.
    if (!negotiated)
      return reject(negotiated.error().kind == "sdp" ? 488 : 500, negotiated.error().message);
    if (auto v = check_media(*deployment, negotiated->media.srtp.has_value()); v.status) {
      if (v.refuse) return reject(v.status, v.reason);
      logger_.warn("call",
                   "call " + record.call_id + " accepted (secure_media: warn): " + v.reason);
    }
    auto built = stream_params(negotiated->media);
    if (!built) return reject(488, "offer has no usable address");
    stream = std::move(*built);
    stream.dtmf_mode = dtmf;
    if (const auto& keys = negotiated->media.srtp) {
      logger_.info("call", "call " + record.call_id + " media: SRTP " +
                               std::string(sdp::suite_name(keys->suite)));
    } else {
      logger_.info("call", "call " + record.call_id + " media: RTP (unencrypted)");
    }
    local_sdp = sdp::serialize(negotiated->sdp);
  }

  CallSession::Context ctx = session_context(*route);
  if (auto ruri = sip::parse_uri(invite.request_uri)) ctx.caller_host = ruri->host;
  ctx.caller_peer = from.endpoint;
  ++metrics_.calls_active;
  calls_[handle] =
      std::make_unique<CallSession>(ctx, handle, app, std::move(record), std::move(*media), stream);
  answers_[handle] = std::move(local_sdp);
  offer_answer_.emplace(handle, std::move(offer_answer));
  if (late_offer) late_offers_.insert(handle);
  if (deployment->answer_delay_ms > 0) {
    ua_->ringing(handle);
    loop_->add_timer(Millis(deployment->answer_delay_ms), [this, handle] { answer(handle); });
  } else {
    answer(handle);
  }
}

bool Server::deploys_speech() const {
  for (const auto& deployment : config_.deployments) {
    auto app = apps_.find(deployment.app);
    if (app == apps_.end()) continue;
    for (const auto& page : app->second->pages)
      for (const auto& module : page.modules)
        if (flow::listens_for_speech(module)) return true;
  }
  return false;
}

void Server::answer(sip::CallHandle handle) {
  auto it = calls_.find(handle);
  auto sdp_it = answers_.find(handle);
  if (it == calls_.end() || sdp_it == answers_.end()) return;  // cancelled while ringing
  ua_->answer(handle, sdp_it->second);
  answers_.erase(sdp_it);
  if (late_offers_.count(handle)) return;  // media and the app start with the ACK's answer
  it->second->on_answered();
}

void Server::on_ended(sip::CallHandle handle, sip::EndReason reason, int status) {
  trunk_call_ended(handle);
  answers_.erase(handle);
  offer_answer_.erase(handle);
  late_offers_.erase(handle);
  if (auto it = calls_.find(handle); it != calls_.end()) {
    if (dialer_) dialer_->on_call_ended(handle);
    call_logs_->enqueue(it->second->on_ended(reason, status));
    count_media(it->second->media_stats());
    calls_.erase(it);
    --metrics_.calls_active;
  } else if (auto un = unanswered_.find(handle); un != unanswered_.end()) {
    store::CallRecord record = std::move(un->second);
    unanswered_.erase(un);
    record.end_unix_ms = unix_ms(std::chrono::system_clock::now());
    record.exit_reason = std::string(sip::end_reason_name(reason));
    if (status) record.exit_reason += ":" + std::to_string(status);
    call_logs_->enqueue(std::move(record));
  }
  if (shutting_down_ && calls_.empty() && ua_->active_calls() == 0) {
    // Give the BYE responses a moment, then stop.
    loop_->add_timer(Millis(200), [this] { stop_loop(); });
  }
}

void Server::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  stop_registrations();  // un-REGISTER; stop_loop() waits for the answers (bounded)
  if (dialer_) dialer_->stop();
  logger_.info("server", "shutting down: " + std::to_string(calls_.size()) + " active call(s)");
  if (calls_.empty()) {
    stop_loop();
    return;
  }
  std::vector<sip::CallHandle> handles;
  for (auto& [h, c] : calls_) handles.push_back(h);
  for (auto h : handles) ua_->hangup(h);
  loop_->add_timer(Millis(3000), [this] { loop_->stop(); });  // never wait forever
}

void Server::stop() {
  loop_->post([this] { begin_shutdown(); });
}

Status Server::run() {
  loop_->run();
  call_logs_->flush();
  logger_.info("server", "stopped");
  return Ok{};
}

}  // namespace keyline::server
