#include "server/worker.h"

#include "base/secure_random.h"
#include "privacy/redact.h"
#include "sdp/negotiation.h"
#include "sdp/session.h"
#include "server/call_dispatch.h"
#include "server/media_codec.h"
#include "server/media_crypto.h"
#include "server/secure_deployment.h"
#include "sip/uri.h"

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

Result<std::unique_ptr<Worker>> Worker::create(const WorkerShared& shared, std::size_t index,
                                               sip::TransportConfig transport,
                                               std::shared_ptr<const RoutingTable> routes,
                                               std::shared_ptr<const TrunkTable> trunks) {
  std::unique_ptr<Worker> worker(new Worker(shared, index));
  worker->routes_ = std::move(routes);
  worker->trunks_ = std::move(trunks);
  if (auto opened = worker->open(std::move(transport)); !opened) return opened.error();
  return worker;
}

Worker::Worker(const WorkerShared& shared, std::size_t index)
    : shared_(shared),
      index_(index),
      config_(shared.config),
      logger_(shared.logger),
      metrics_(shared.metrics),
      apps_(shared.apps),
      secure_apps_(shared.secure_apps) {}

Worker::~Worker() {
  dialer_.reset();  // its ringing legs CANCEL through the UA
  calls_.clear();
  registrations_.clear();
  trunk_registrations_.clear();
  retired_registrations_.clear();
  ua_.reset();
  transport_.reset();
}

Status Worker::open(sip::TransportConfig tc) {
  auto loop = io::EventLoop::create();
  if (!loop) return loop.error();
  loop_ = std::move(*loop);
  if (config_.media.io_uring) {
    if (auto batched = loop_->enable_datagram_batch(); !batched)
      logger_.warn("media",
                   batched.error().message + "; RTP goes out and in with a system call per packet");
  }
  auto http = services::HttpClient::create(*loop_, config_.http.client, &logger_);
  if (!http) return http.error();
  http_ = std::move(*http);
  oauth2_tokens_ = std::make_unique<services::OAuth2TokenCache>(
      [this](services::HttpRequest r, services::HttpClient::Callback done) {
        http_->start(std::move(r), std::move(done));
      },
      [this] { return loop_->now(); });
  if (auto status = start_messaging(); !status) return status.error();

  auto transport = sip::Transport::create(
      *loop_, tc, [this](sip::Message m, const sip::Peer& from) { on_message(std::move(m), from); },
      logger_);
  if (!transport) return transport.error();
  transport_ = std::move(*transport);
  transport_->set_response_observer([this](int status) { metrics_.count_sip_response(status); });
  transport_->set_hand_back([this](const std::string& bytes, const sip::Peer& to) {
    shared_.hand_back(to.held_elsewhere->holder, bytes, to);
    return true;  // as sure as a send on a connection: the holder reports its own failures
  });
  transport_->set_screen([this](const io::Endpoint& source) { return screen(source); });

  sip::UaConfig uc;
  uc.t1 = Millis(config_.sip.t1_ms);
  uc.t2 = Millis(config_.sip.t2_ms);
  uc.session_timer.enabled = config_.sip.session_expires_s > 0;
  uc.session_timer.session_expires_s = config_.sip.session_expires_s;
  uc.session_timer.min_se_s = config_.sip.min_se_s;
  uc.new_call_id = [this] { return new_call_id(); };
  sip::UserAgent::Handlers h;
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
  media_tick_ = loop_->add_periodic(media_phase_period(), [this] { tick_media(); });
  return Ok{};
}

std::string Worker::new_call_id() {
  // About worker_count tries on average: the token is random, so is its hash.
  for (;;) {
    std::string id = ids_.token(20) + "@keyline";
    if (worker_for_call_id(id, shared_.worker_count) == index_) return id;
  }
}

void Worker::on_message(sip::Message message, const sip::Peer& from) {
  if (message.is_request()) metrics_.count_sip_request(message.method);
  // Every message goes to the worker its Call-ID names, whichever socket or connection it came
  // in on: a peer may send a dialog's BYE over a new connection, which the kernel may give to
  // any worker. A stream connection stays here, so the owner gets its id in place of it, and
  // whatever it sends back to that peer comes back here to be written (send_on_held).
  if (shared_.worker_count > 1) {
    const std::size_t owner =
        worker_for_call_id(message.header("Call-ID").value_or(""), shared_.worker_count);
    if (owner != index_) {
      if (from.kind == sip::TransportKind::kUdp)
        return shared_.route(owner, std::move(message), from);
      sip::Peer handed = from;
      handed.connection.reset();  // never touched off this thread
      handed.held_elsewhere = sip::HeldConnection{index_, from.connection_id};
      handed.connection_id = 0;
      return shared_.route(owner, std::move(message), handed);
    }
  }
  ua_->on_message(std::move(message), from);
}

void Worker::deliver(sip::Message message, const sip::Peer& from) {
  loop_->post([this, message = std::move(message), from]() mutable {
    ua_->on_message(std::move(message), from);
  });
}

void Worker::send_on_held(std::string bytes, const sip::Peer& to) {
  loop_->post([this, bytes = std::move(bytes), to] {
    if (to.held_elsewhere) transport_->send_on_held(to.held_elsewhere->id, bytes, to);
  });
}

void Worker::shutdown() {
  loop_->post([this] { begin_shutdown(); });
}

bool Worker::screen(const io::Endpoint& source) {
  std::unique_lock lock(shared_.admission.mutex);
  auto& access = *shared_.admission.access;
  auto decision = access.check(source);
  lock.unlock();
  if (decision == sip::AccessDecision::kAllow) return true;
  // Not on the allow-list with `deny: 403`: admit() answers requests 403.
  if (decision == sip::AccessDecision::kDeny && access.config().deny_with_403) return true;
  // A stored trunk's allow list lets its carrier in without a config edit.
  if (decision == sip::AccessDecision::kDeny && trunks_ && trunks_->match(source)) return true;
  if (logger_.enabled(LogLevel::kDebug))
    logger_.debug("access", "dropped a message from " + source.to_string() + ": " +
                                std::string(sip::access_decision_name(decision)));
  return false;
}

std::optional<sip::Admission> Worker::admit(const sip::Message& request, const sip::Peer& from) {
  // Order: who (allow-list), how many (call cap), then credentials, so an
  // overloaded server spends no hashing on callers it would turn away. One lock for all of
  // it: bans, nonces and trunk caps are every worker's.
  std::lock_guard lock(shared_.admission.mutex);
  sip::AccessPolicy* access = shared_.admission.access.get();
  sip::DigestAuthenticator* auth = shared_.admission.auth.get();
  publish_calls();
  const bool on_trunk = trunks_ && trunks_->match(from.endpoint);
  if (!on_trunk && !access->allowed_address(from.endpoint)) {
    logger_.info("access", request.method + " from " + from.endpoint.to_string() +
                               " refused: not on the allow-list");
    return sip::Admission{403, {}};
  }
  // OPTIONS stays unauthenticated and uncapped: it is the health check.
  if (request.method != "INVITE") return std::nullopt;
  if (access->calls_full(shared_.total_calls())) {
    logger_.info("access",
                 "INVITE from " + from.endpoint.to_string() + " refused: max_calls reached");
    return sip::Admission{503, {{"Retry-After", std::to_string(access->config().retry_after_s)}}};
  }
  // A stored trunk decides for its own sources (server_trunks.cc): its cap, its credentials.
  // One without credentials is trusted by its address, as carriers' trunks usually are.
  if (on_trunk) return admit_trunk(request, from);
  if (!auth) return std::nullopt;
  auto outcome = auth->check(request, from.endpoint.host());
  if (outcome.verdict == sip::AuthVerdict::kFailed) access->auth_failed(from.endpoint);
  if (outcome.verdict == sip::AuthVerdict::kOk) access->auth_succeeded(from.endpoint);
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

void Worker::on_incoming(sip::CallHandle handle, const sip::Message& invite,
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
  media_phases_stale_ = true;
  publish_calls();
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

void Worker::answer(sip::CallHandle handle) {
  auto it = calls_.find(handle);
  auto sdp_it = answers_.find(handle);
  if (it == calls_.end() || sdp_it == answers_.end()) return;  // cancelled while ringing
  ua_->answer(handle, sdp_it->second);
  answers_.erase(sdp_it);
  if (late_offers_.count(handle)) return;  // media and the app start with the ACK's answer
  it->second->on_answered();
}

void Worker::on_ended(sip::CallHandle handle, sip::EndReason reason, int status) {
  trunk_call_ended(handle);
  answers_.erase(handle);
  offer_answer_.erase(handle);
  late_offers_.erase(handle);
  if (auto it = calls_.find(handle); it != calls_.end()) {
    if (dialer_) dialer_->on_call_ended(handle);
    shared_.call_logs.enqueue(it->second->on_ended(reason, status));
    count_media(it->second->media_stats());
    calls_.erase(it);
    media_phases_stale_ = true;
    --metrics_.calls_active;
  } else if (auto un = unanswered_.find(handle); un != unanswered_.end()) {
    store::CallRecord record = std::move(un->second);
    unanswered_.erase(un);
    record.end_unix_ms = unix_ms(std::chrono::system_clock::now());
    record.exit_reason = std::string(sip::end_reason_name(reason));
    if (status) record.exit_reason += ":" + std::to_string(status);
    shared_.call_logs.enqueue(std::move(record));
  }
  publish_calls();
  if (shutting_down_ && calls_.empty() && ua_->active_calls() == 0) {
    // Give the BYE responses a moment, then stop.
    loop_->add_timer(Millis(200), [this] { stop_loop(); });
  }
}

void Worker::begin_shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  stop_registrations();  // un-REGISTER; stop_loop() waits for the answers (bounded)
  if (dialer_) dialer_->stop();
  logger_.info("server", "worker " + std::to_string(index_) + " shutting down: " +
                             std::to_string(calls_.size()) + " active call(s)");
  if (calls_.empty()) {
    stop_loop();
    return;
  }
  std::vector<sip::CallHandle> handles;
  for (auto& [h, c] : calls_) handles.push_back(h);
  for (auto h : handles) ua_->hangup(h);
  loop_->add_timer(Millis(3000), [this] { finish(); });  // never wait forever
}

}  // namespace keyline::server
