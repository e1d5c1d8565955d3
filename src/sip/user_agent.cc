#include "sip/user_agent.h"

#include "sip/user_agent_call.h"

#include <algorithm>

#include "base/strings.h"
#include "sip/async_resolver.h"
#include "sip/digest.h"
#include "sip/headers.h"
#include "sip/loop_timer_service.h"
#include "sip/transaction_key.h"
#include "sip/uri.h"

namespace keyline::sip {
namespace {

constexpr std::string_view kAllow = kUaAllow;

// The extensions we implement: a Require naming only these is served (RFC 4028, RFC 3262).
bool is_supported_extension(std::string_view option) {
  return iequals(trim(option), "timer") || iequals(trim(option), "100rel");
}

// Methods we recognise but do not accept (405) as opposed to unknown ones (501).
bool is_known_method(std::string_view m) {
  for (std::string_view known : {"REGISTER", "SUBSCRIBE", "NOTIFY", "PUBLISH", "MESSAGE", "REFER",
                                 "UPDATE", "PRACK", "INFO"})
    if (m == known) return true;
  return false;
}

std::string tag_of(std::optional<std::string_view> header_value) {
  if (!header_value) return {};
  auto na = parse_name_addr(*header_value);
  if (!na) return {};
  return na->tag().value_or("");
}

std::string dialog_key(std::string_view call_id, std::string_view local_tag) {
  std::string key(call_id);
  key += '|';
  key += local_tag;
  return key;
}

TransactionConfig transaction_config(const UaConfig& c) {
  TransactionConfig t;
  t.t1 = c.t1;
  t.t2 = c.t2;
  t.t4 = c.t4;
  t.trying_delay = c.trying_delay;
  return t;
}

}  // namespace

std::string_view end_reason_name(EndReason reason) {
  switch (reason) {
    case EndReason::kRemoteBye:
      return "remote_bye";
    case EndReason::kLocalBye:
      return "local_bye";
    case EndReason::kCancelled:
      return "cancelled";
    case EndReason::kAckTimeout:
      return "ack_timeout";
    case EndReason::kRejected:
      return "rejected";
    case EndReason::kFailed:
      return "failed";
    case EndReason::kTimeout:
      return "timeout";
    case EndReason::kSessionExpired:
      return "session_expired";
  }
  return "unknown";
}

UserAgent::UserAgent(io::EventLoop& loop, Transport& transport, UaConfig config, Handlers handlers,
                     Logger& logger, IdGenerator& ids)
    : own_timers_(std::make_unique<LoopTimerService>(loop)),
      own_resolver_(std::make_unique<AsyncSipResolver>(loop)),
      resolver_(own_resolver_.get()),
      timers_(*own_timers_),
      sink_(transport),
      local_{transport.host(), transport.port(), transport.tls_port()},
      config_(std::move(config)),
      handlers_(std::move(handlers)),
      logger_(logger),
      ids_(ids),
      layer_(timers_, sink_, *this, transaction_config(config_)) {}

UserAgent::UserAgent(TimerService& timers, TransportSink& sink, LocalAddress local, UaConfig config,
                     Handlers handlers, Logger& logger, IdGenerator& ids)
    : timers_(timers),
      sink_(sink),
      local_(std::move(local)),
      config_(std::move(config)),
      handlers_(std::move(handlers)),
      logger_(logger),
      ids_(ids),
      layer_(timers_, sink_, *this, transaction_config(config_)) {}

UserAgent::~UserAgent() {
  *alive_ = false;
  for (auto& [handle, call] : calls_) {
    stop_2xx_retransmit(*call);
    stop_reliable_provisional(*call);
    timers_.cancel(call->no_answer_timer);
    timers_.cancel(call->session_timer_handle);
  }
}

std::size_t UserAgent::active_calls() const {
  std::size_t n = 0;
  for (auto& [handle, call] : calls_)
    if (!call->ended) ++n;
  return n;
}

UserAgent::Call* UserAgent::find(CallHandle handle) {
  auto it = calls_.find(handle);
  return it == calls_.end() ? nullptr : it->second.get();
}

UserAgent::Call* UserAgent::find_dialog(std::string_view call_id, std::string_view local_tag) {
  auto it = by_dialog_.find(dialog_key(call_id, local_tag));
  return it == by_dialog_.end() ? nullptr : find(it->second);
}

UserAgent::Call* UserAgent::find_by_transaction(TransactionId tx) {
  auto it = by_transaction_.find(tx);
  return it == by_transaction_.end() ? nullptr : find(it->second);
}

std::uint16_t UserAgent::port_for(const Peer& peer) const {
  return peer.kind == TransportKind::kTls && local_.tls_port ? local_.tls_port : local_.port;
}

std::string UserAgent::contact_for(const Peer& peer, bool sips) const {
  std::string host = local_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string c = std::string(sips ? "<sips:" : "<sip:") + config_.contact_user + "@" + host + ":" +
                  std::to_string(port_for(peer));
  if (peer.kind == TransportKind::kTcp) c += ";transport=tcp";
  if (peer.kind == TransportKind::kTls && !sips) c += ";transport=tls";
  return c + ">";
}

std::string UserAgent::via(const Peer& peer) {
  std::string host = local_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "SIP/2.0/" + std::string(peer.transport_name()) + " " + host + ":" +
         std::to_string(port_for(peer)) + ";branch=" + std::string(kMagicCookie) + ids_.token(16) +
         ";rport";
}

void UserAgent::on_message(Message message, const Peer& from) { layer_.on_message(message, from); }

void UserAgent::respond(TransactionId tx, const Message& request, int status,
                        std::string_view to_tag) {
  Message r = make_response(request, status, {}, to_tag);
  r.add_header("Server", config_.user_agent);
  if (status == 405 || status == 501 || (status == 200 && request.method == "OPTIONS")) {
    r.add_header("Allow", std::string(kAllow));
  }
  if (status == 200 && request.method == "OPTIONS") {
    r.add_header("Accept", "application/sdp");
    r.add_header("Supported", std::string(kUaSupported));
  }
  layer_.respond(tx, r);
}

// ---- UAS -----------------------------------------------------------------

void UserAgent::on_request(TransactionId tx, const Message& request, const Peer& from) {
  const std::string& method = request.method;
  // RFC 3261 8.2.2.1: we serve sip:, sips: and tel: Request-URIs only.
  if (auto ruri = parse_uri(request.request_uri);
      !ruri || (ruri->scheme != "sip" && ruri->scheme != "sips" && ruri->scheme != "tel")) {
    respond(tx, request, 416);
    return;
  }
  // A sips: Request-URI promises TLS on every hop (RFC 3261 26.2.2, RFC 5630
  // 3.1.3): over anything else it is an unsupported scheme here.
  if (auto ruri = parse_uri(request.request_uri); ruri->scheme == "sips" && !from.secure()) {
    respond(tx, request, 416);
    return;
  }
  // A Require naming an extension we do not implement is a 420 (timer and 100rel we serve).
  std::string unsupported;
  for (auto v : request.header_values("Require"))
    if (!is_supported_extension(v))
      unsupported += (unsupported.empty() ? "" : ", ") + std::string(v);
  if (!unsupported.empty()) {
    Message r = make_response(request, 420, {}, {});
    r.add_header("Unsupported", unsupported);
    layer_.respond(tx, r);
    return;
  }

  std::string to_tag = tag_of(request.header("To"));
  if (to_tag.empty() && handlers_.admit) {
    if (auto refused = handlers_.admit(request, from)) {
      Message r = make_response(request, refused->status, {}, ids_.token(10));
      for (auto& [name, value] : refused->headers) r.add_header(name, value);
      r.add_header("Server", config_.user_agent);
      layer_.respond(tx, r);
      return;
    }
  }
  if (!to_tag.empty()) {
    Call* call = find_dialog(request.header("Call-ID").value_or(""), to_tag);
    if (!call) {
      respond(tx, request, 481);
      return;
    }
    on_in_dialog(*call, tx, request, from);
    return;
  }
  if (method == "INVITE") return on_new_invite(tx, request, from);
  if (method == "OPTIONS") return respond(tx, request, 200, ids_.token(10));
  if (method == "BYE") return respond(tx, request, 481);
  respond(tx, request, is_known_method(method) ? 405 : 501);
}

void UserAgent::on_new_invite(TransactionId tx, const Message& invite, const Peer& from) {
  // Retransmissions never get here: the INVITE server transaction absorbs
  // them and repeats our latest provisional (RFC 3261 17.2.1).
  SessionTimerDecision timer = decide_session_timer(invite, config_.session_timer);
  if (timer.too_small) {
    Message r = make_response(invite, 422, {}, ids_.token(10));
    r.add_header("Min-SE", std::to_string(timer.min_se_s));
    r.add_header("Server", config_.user_agent);
    layer_.respond(tx, r);
    return;
  }
  auto call = std::make_unique<Call>();
  call->session_timer = timer;
  call->remote_cseq = cseq_number(invite);
  call->handle = next_handle_++;
  call->uas = true;
  call->peer = from;
  call->call_id = std::string(invite.header("Call-ID").value_or(""));
  call->local_tag = ids_.token(10);
  call->remote_tag = tag_of(invite.header("From"));
  call->remote_header = std::string(invite.header("From").value_or(""));
  call->local_header = std::string(invite.header("To").value_or("")) + ";tag=" + call->local_tag;
  call->remote_target = contact_uri(invite);
  if (auto ruri = parse_uri(invite.request_uri)) call->sips = ruri->scheme == "sips";
  for (auto rr : invite.header_values("Record-Route")) call->route_set.emplace_back(rr);
  call->invite = invite;
  call->invite_tx = tx;
  call->peer_100rel = wants_reliable_provisionals(invite);

  CallHandle handle = call->handle;
  by_transaction_[tx] = handle;
  by_dialog_[dialog_key(call->call_id, call->local_tag)] = handle;
  calls_[handle] = std::move(call);
  // Last: the owner may answer or reject from inside the handler.
  if (handlers_.on_incoming) handlers_.on_incoming(handle, invite, from);
}

void UserAgent::ringing(CallHandle handle) {
  Call* call = find(handle);
  if (!call || !call->uas || call->state != Call::State::kIncoming) return;
  Message r = make_response(call->invite, 180, {}, call->local_tag);
  r.add_header("Contact", contact_for(call->peer, call->sips));
  if (call->peer_100rel) return send_reliable_provisional(*call, std::move(r));
  layer_.respond(call->invite_tx, r);
}

void UserAgent::answer(CallHandle handle, const std::string& sdp) {
  Call* call = find(handle);
  if (!call || !call->uas || call->state != Call::State::kIncoming) return;
  if (call->provisional_unacked) {
    // RFC 3262 3: the 2xx waits for the PRACK of our reliable provisional (on_prack).
    call->answer_queued = true;
    call->queued_sdp = sdp;
    return;
  }
  Message r = make_response(call->invite, 200, {}, call->local_tag);
  for (auto rr : call->invite.header_values("Record-Route"))
    r.add_header("Record-Route", std::string(rr));
  r.add_header("Contact", contact_for(call->peer, call->sips));
  r.add_header("Allow", std::string(kAllow));
  r.add_header("Server", config_.user_agent);
  add_session_timer_headers(*call, r);
  r.add_header("Content-Type", "application/sdp");
  r.body = sdp;
  call->local_sdp = sdp;
  // Late offer (RFC 3261 13.2.1): an INVITE without SDP gets our offer here, and the ACK
  // brings the answer.
  call->offer_in_2xx = call->invite.body.empty();
  call->state = Call::State::kAnswered;
  call->answer_bytes = r.serialize();
  layer_.respond(call->invite_tx, r);
  start_2xx_retransmit(*call);
}

void UserAgent::reject(CallHandle handle, int status) {
  Call* call = find(handle);
  if (!call || !call->uas || call->state != Call::State::kIncoming) return;
  final_uas(*call, status);
  end(*call, EndReason::kRejected, status);
}

void UserAgent::final_uas(Call& call, int status) {
  // The INVITE server transaction repeats this response until the ACK
  // (Timer G) and absorbs the ACK; the call itself is no longer needed.
  stop_reliable_provisional(call);
  Message r = make_response(call.invite, status, {}, call.local_tag);
  r.add_header("Server", config_.user_agent);
  layer_.respond(call.invite_tx, r);
  call.state = Call::State::kTerminating;
  forget_later(call.handle);
}

void UserAgent::on_ack(const Message& ack, const Peer& /*from*/) {
  // Only ACKs for 2xx get here; those for our error responses end in the
  // INVITE server transaction.
  Call* call = find_dialog(ack.header("Call-ID").value_or(""), tag_of(ack.header("To")));
  if (call && call->state == Call::State::kConfirmed && on_reinvite_ack(*call, ack)) return;
  if (!call || !call->uas || call->state != Call::State::kAnswered) return;  // stray: absorbed
  if (cseq_number(ack) != cseq_number(call->invite)) return;
  stop_2xx_retransmit(*call);
  call->state = Call::State::kConfirmed;
  if (call->bye_after_ack) {
    send_bye(*call);
    return;
  }
  arm_session_timer(*call);
  CallHandle handle = call->handle;
  if (call->offer_in_2xx) {
    call->offer_in_2xx = false;
    if (handlers_.on_ack_answer) handlers_.on_ack_answer(handle, ack.body);
    call = find(handle);  // the owner may have hung up from inside the handler
    if (!call || call->ended) return;
  }
  if (handlers_.on_confirmed) handlers_.on_confirmed(handle);
}

void UserAgent::on_cancel(TransactionId cancel, TransactionId invite, const Message& request,
                          const Peer& /*from*/) {
  if (invite == 0) {
    respond(cancel, request, 481);  // RFC 3261 9.2: no transaction to cancel
    return;
  }
  Call* call = find_by_transaction(invite);
  // The CANCEL's response carries the To tag of our INVITE responses.
  respond(cancel, request, 200, call ? std::string_view(call->local_tag) : std::string_view());
  if (!call || call->state != Call::State::kIncoming) return;  // answered: no effect
  final_uas(*call, 487);
  end(*call, EndReason::kCancelled, 487);
}

void UserAgent::on_ack_timeout(TransactionId /*tx*/) {
  // Timer H: the caller never acknowledged our error response. The call has
  // ended already; nothing is left to clean up.
  logger_.debug("sip", "no ACK for a final error response (Timer H)");
}

void UserAgent::on_in_dialog(Call& call, TransactionId tx, const Message& request,
                             const Peer& from) {
  const std::string& method = request.method;
  if (method == "BYE") {
    // Retransmitted BYEs are answered by the BYE's server transaction from
    // here on, so the dialog can go at once.
    respond(tx, request, 200);
    stop_2xx_retransmit(call);
    end(call, EndReason::kRemoteBye, 0);
    call.state = Call::State::kTerminating;
    forget_later(call.handle);
    return;
  }
  if (call.ended) {
    respond(tx, request, 481);
    return;
  }
  if (method == "INVITE") return on_reinvite(call, tx, request, from);
  if (method == "UPDATE") return on_update(call, tx, request, from);
  if (method == "INFO") return on_info(call, tx, request);
  if (method == "OPTIONS") return respond(tx, request, 200);
  if (method == "NOTIFY") return on_notify(call, tx, request);
  if (method == "PRACK") return on_prack(call, tx, request);
  if (method == "REFER") return on_refer_request(call, tx, request);
  respond(tx, request, is_known_method(method) ? 405 : 501);
}

// ---- UAC and requests within a dialog -------------------------------------

Message UserAgent::new_request(Call& call, std::string_view method) {
  Message m;
  m.request = true;
  m.method = std::string(method);
  m.request_uri = call.remote_target.empty() ? call.invite.request_uri : call.remote_target;
  m.add_header("Via", via(call.peer));
  m.add_header("Max-Forwards", "70");
  m.add_header("From", call.local_header);
  m.add_header("To", call.remote_header);
  m.add_header("Call-ID", call.call_id);
  m.add_header("CSeq", std::to_string(++call.local_cseq) + " " + std::string(method));
  // UAS route set is the Record-Route list in order; UAC uses it reversed
  // (stored reversed already).
  for (auto& r : call.route_set) m.add_header("Route", r);
  m.add_header("User-Agent", config_.user_agent);
  return m;
}

void UserAgent::send_bye(Call& call) {
  if (call.uas && call.local_cseq == 0) call.local_cseq = 1;  // our own CSeq space starts here
  call.state = Call::State::kTerminating;
  // Timers E/F retransmit it and give up; either way the response (or the
  // made-up 408) lets us forget the call.
  Message bye = new_request(call, "BYE");
  for (const auto& [name, value] : call.bye_headers) bye.add_header(name, value);
  auto tx = layer_.send_request(std::move(bye), call.peer);
  if (!tx) {
    forget_later(call.handle);
    return;
  }
  call.bye_tx = *tx;
  by_transaction_[*tx] = call.handle;
}

void UserAgent::hangup(CallHandle handle, const HeaderList& bye_headers) {
  Call* call = find(handle);
  if (!call || call->ended) return;
  call->bye_headers = bye_headers;
  switch (call->state) {
    case Call::State::kIncoming:
      final_uas(*call, 480);
      end(*call, EndReason::kRejected, 480);
      return;
    case Call::State::kCalling:
    case Call::State::kProceeding:
      // The layer holds the CANCEL back until a provisional response came
      // (RFC 3261 9.1) and gives up 64*T1 after sending it.
      if (layer_.cancel(call->invite_tx)) {
        call->state = Call::State::kCancelling;
      } else {
        end(*call, EndReason::kCancelled, 0);
        forget_later(call->handle);
      }
      return;
    case Call::State::kAnswered:
      // RFC 3261 15: no BYE before the ACK for our 2xx; the 2xx keeps being
      // retransmitted, and the ACK (or the 64*T1 give-up) sends the BYE.
      call->bye_after_ack = true;
      end(*call, EndReason::kLocalBye, 0);
      return;
    case Call::State::kConfirmed:
      stop_2xx_retransmit(*call);
      end(*call, EndReason::kLocalBye, 0);
      send_bye(*call);
      return;
    case Call::State::kCancelling:
    case Call::State::kTerminating:
      return;
  }
}

Result<CallHandle> UserAgent::invite(const std::string& request_uri, const std::string& from_uri,
                                     const Peer& peer, const std::string& sdp,
                                     const HeaderList& headers) {
  auto target = parse_uri(request_uri);
  if (!target) return make_error("sip", "bad request URI: " + target.error().message);
  if (!peer.endpoint.valid())  // a host name: RFC 3263 (user_agent_targets.cc)
    return invite_by_name(request_uri, *target, from_uri, peer.kind, sdp, headers);
  if (target->scheme == "sips" && !peer.secure())
    return make_error("sip", "a sips: URI must be called over TLS");
  auto call = std::make_unique<Call>();
  call->sips = target->scheme == "sips";
  call->handle = next_handle_++;
  call->uas = false;
  call->state = Call::State::kCalling;
  call->peer = peer;
  call->call_id = config_.new_call_id ? config_.new_call_id() : ids_.token(20) + "@keyline";
  call->local_tag = ids_.token(10);
  call->local_header = "<" + from_uri + ">;tag=" + call->local_tag;
  call->remote_header = "<" + request_uri + ">";
  call->remote_target = request_uri;
  call->local_sdp = sdp;
  call->extra_headers = headers;
  call->tried_targets.push_back(request_uri);
  {
    // Redirects keep going through an outbound proxy, else to their own hosts.
    const std::uint16_t port = target->port ? target->port : (peer.secure() ? 5061 : 5060);
    auto direct = io::Endpoint::parse(target->host, port);
    call->via_proxy = !direct || !(*direct == peer.endpoint);
  }

  Message m = new_request(*call, "INVITE");
  m.add_header("Contact", contact_for(peer, call->sips));
  m.add_header("Allow", std::string(kAllow));
  m.add_header("Supported", "100rel");  // a reliable 18x gets our PRACK (user_agent_prack.cc)
  for (const auto& [name, value] : headers) m.add_header(name, value);
  m.add_header("Content-Type", "application/sdp");
  m.body = sdp;
  call->invite = m;
  // Timer A retransmits it, Timer B gives up (a 408 from the layer).
  auto tx = layer_.send_request(std::move(m), peer);
  if (!tx) return tx.error();
  call->invite_tx = *tx;

  CallHandle handle = call->handle;
  by_transaction_[*tx] = handle;
  by_dialog_[dialog_key(call->call_id, call->local_tag)] = handle;
  calls_[handle] = std::move(call);
  return handle;
}

void UserAgent::send_ack(Call& call, const Message& response) {
  // A new transaction of its own to the remote target (RFC 3261 13.2.2.4),
  // sent by us, not by the INVITE transaction.
  Message ack;
  ack.request = true;
  ack.method = "ACK";
  ack.request_uri = call.remote_target;
  ack.add_header("Via", via(call.peer));
  ack.add_header("Max-Forwards", "70");
  ack.add_header("From", call.local_header);
  ack.add_header("To", std::string(response.header("To").value_or("")));
  ack.add_header("Call-ID", call.call_id);
  ack.add_header("CSeq", std::to_string(cseq_number(call.invite)) + " ACK");
  for (auto& r : call.route_set) ack.add_header("Route", r);
  call.ack_bytes = ack.serialize();
  sink_.send_raw(call.ack_bytes, call.peer);
}

void UserAgent::on_response(TransactionId tx, const Message& response, ResponseOrigin origin) {
  if (on_request_response(tx, response)) return;  // user_agent_request.cc
  Call* call = find_by_transaction(tx);
  if (!call) return;  // e.g. the CANCEL's own 200, or a call already forgotten
  if (tx == call->invite_tx && !call->uas) return on_invite_response(*call, response, origin);
  if (tx == call->refer_tx) return on_refer_response(*call, response);
  if (tx == call->refresh_tx) return on_refresh_response(*call, response);
  if (tx == call->prack_tx) return;  // a PRACK's answer changes nothing here
  if (tx == call->bye_tx && response.status >= 200) forget_later(call->handle);
}

void UserAgent::on_stray_response(const Message& response, const Peer& /*from*/) {
  // A 2xx retransmitted after our INVITE transaction ended: our ACK was lost.
  if (response.status < 200 || response.status >= 300 || cseq_method(response) != "INVITE") return;
  Call* call =
      find_dialog(response.header("Call-ID").value_or(""), tag_of(response.header("From")));
  // Either role: a UAS dialog has ACK bytes once it refreshed the session with a re-INVITE.
  if (call && !call->ack_bytes.empty()) sink_.send_raw(call->ack_bytes, call->peer);
}

void UserAgent::on_invite_response(Call& call, const Message& response, ResponseOrigin origin) {
  int status = response.status;
  if (status < 200) {
    if (!accept_provisional(call, response)) return;  // a repeated reliable 18x
    if (call.state == Call::State::kCalling) {
      call.state = Call::State::kProceeding;
      // Timer B no longer runs once the peer is ringing; bound the wait for
      // an answer ourselves.
      std::weak_ptr<bool> alive = alive_;
      CallHandle h = call.handle;
      call.no_answer_timer = timers_.schedule(config_.t1 * 64 * 4, [this, alive, h] {
        if (alive.expired()) return;
        if (Call* c = find(h)) {
          c->no_answer_timer = 0;
          if (c->state == Call::State::kProceeding) hangup(h);
        }
      });
    }
    if (handlers_.on_provisional) handlers_.on_provisional(call.handle, response);
    return;
  }
  timers_.cancel(call.no_answer_timer);
  call.no_answer_timer = 0;
  if (status < 300) {
    if (call.state == Call::State::kConfirmed || call.state == Call::State::kTerminating) {
      // A retransmitted 2xx: our ACK was lost; send it again.
      if (!call.ack_bytes.empty()) sink_.send_raw(call.ack_bytes, call.peer);
      return;
    }
    call.remote_tag = tag_of(response.header("To"));
    call.remote_header = std::string(response.header("To").value_or(""));
    if (auto target = contact_uri(response); !target.empty()) call.remote_target = target;
    auto rr = response.header_values("Record-Route");
    call.route_set.assign(rr.rbegin(), rr.rend());
    bool cancelling = call.state == Call::State::kCancelling;
    call.state = Call::State::kConfirmed;
    send_ack(call, response);
    if (cancelling) {
      // The answer crossed our CANCEL: end the session properly.
      end(call, EndReason::kLocalBye, 0);
      send_bye(call);
      return;
    }
    if (handlers_.on_answered) handlers_.on_answered(call.handle, response);
    return;
  }
  // A final error; the INVITE transaction has ACKed it already.
  if ((status == 401 || status == 407) && call.state != Call::State::kCancelling &&
      retry_with_credentials(call, response))
    return;
  if (status >= 300 && fail_over(call, response, origin)) return;  // user_agent_targets.cc
  if (status >= 300 && follow_redirect(call, response)) return;    // user_agent_redirect.cc
  EndReason reason = EndReason::kFailed;
  if (status == 487 || call.state == Call::State::kCancelling)
    reason = EndReason::kCancelled;
  else if (origin != ResponseOrigin::kPeer)
    reason = EndReason::kTimeout;
  call.state = Call::State::kTerminating;
  end(call, reason, status);
  forget_later(call.handle);
}

bool UserAgent::retry_with_credentials(Call& call, const Message& response) {
  if (config_.auth_user.empty()) return false;
  bool proxy = response.status == 407;
  auto challenge =
      pick_challenge(response.header_values(proxy ? "Proxy-Authenticate" : "WWW-Authenticate"));
  if (!challenge) return false;
  // One answer per challenge: a second 401 means the credentials are wrong,
  // unless it only says our nonce went stale (RFC 2617 3.2.1).
  if (call.auth_attempts >= (challenge->stale ? 2 : 1)) return false;
  ++call.auth_attempts;
  // A new INVITE in the same call (Call-ID and From tag kept), CSeq one up
  // and a new branch (RFC 3261 22.2).
  const std::string request_uri =
      call.remote_target.empty() ? call.invite.request_uri : call.remote_target;
  std::pair<std::string, std::string> authorization{
      proxy ? "Proxy-Authorization" : "Authorization",
      make_authorization(*challenge, config_.auth_user, config_.auth_password, "INVITE",
                         request_uri, ids_.token(16), 1)};
  return send_invite(call, &authorization);
}

// ---- timers and bookkeeping ------------------------------------------------

void UserAgent::start_2xx_retransmit(Call& call) {
  stop_2xx_retransmit(call);
  call.interval = config_.t1;
  CallHandle h = call.handle;
  std::weak_ptr<bool> alive = alive_;
  // Over every transport: the 2xx must reach the peer end to end, and a TCP
  // hop does not promise that (RFC 3261 13.3.1.4).
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [this, alive, h, weak_tick = std::weak_ptr(tick)] {
    if (alive.expired()) return;
    Call* c = find(h);
    if (!c) return;
    sink_.send_raw(c->answer_bytes, c->peer);
    c->interval = std::min(c->interval * 2, config_.t2);
    if (auto next = weak_tick.lock())
      c->retransmit_timer = timers_.schedule(c->interval, [next] { (*next)(); });
  };
  call.retransmit_timer = timers_.schedule(call.interval, [tick] { (*tick)(); });
  call.give_up_timer = timers_.schedule(config_.t1 * 64, [this, alive, h, tick] {
    if (alive.expired()) return;
    Call* c = find(h);
    if (!c) return;
    c->give_up_timer = 0;
    stop_2xx_retransmit(*c);
    logger_.warn("sip", "no ACK for 2xx on call " + c->call_id + ": sending BYE");
    end(*c, EndReason::kAckTimeout, 0);
    send_bye(*c);
  });
}

void UserAgent::stop_2xx_retransmit(Call& call) {
  timers_.cancel(call.retransmit_timer);
  timers_.cancel(call.give_up_timer);
  call.retransmit_timer = 0;
  call.give_up_timer = 0;
}

void UserAgent::end(Call& call, EndReason reason, int status) {
  if (call.ended) return;
  call.ended = true;
  CallHandle h = call.handle;
  std::weak_ptr<bool> alive = alive_;
  timers_.schedule(Millis(0), [this, alive, h, reason, status] {
    if (alive.expired()) return;
    if (handlers_.on_ended) handlers_.on_ended(h, reason, status);
  });
}

void UserAgent::forget_later(CallHandle handle) {
  // Deferred: we may be inside a callback that still holds the Call.
  std::weak_ptr<bool> alive = alive_;
  timers_.schedule(Millis(0), [this, alive, handle] {
    if (!alive.expired()) forget(handle);
  });
}

void UserAgent::forget(CallHandle handle) {
  Call* call = find(handle);
  if (!call) return;
  stop_2xx_retransmit(*call);
  stop_reliable_provisional(*call);
  timers_.cancel(call->no_answer_timer);
  if (!call->ended) end(*call, EndReason::kTimeout, 0);
  by_dialog_.erase(dialog_key(call->call_id, call->local_tag));
  by_transaction_.erase(call->invite_tx);
  by_transaction_.erase(call->bye_tx);
  by_transaction_.erase(call->refer_tx);
  by_transaction_.erase(call->refresh_tx);
  by_transaction_.erase(call->prack_tx);
  timers_.cancel(call->session_timer_handle);
  calls_.erase(handle);
}

}  // namespace keyline::sip
