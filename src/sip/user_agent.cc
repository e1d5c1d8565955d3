#include "sip/user_agent.h"

#include "base/strings.h"
#include "sip/headers.h"
#include "sip/uri.h"

namespace keyline::sip {
namespace {

constexpr std::string_view kAllow = "INVITE, ACK, BYE, CANCEL, OPTIONS";

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

std::string top_branch(const Message& m) {
  auto via = m.header("Via");
  if (!via) return {};
  auto vias = parse_vias(*via);
  if (!vias || vias->empty()) return {};
  return vias->front().branch().value_or("");
}

std::uint32_t cseq_number(const Message& m) {
  auto c = m.header("CSeq");
  if (!c) return 0;
  auto parsed = parse_cseq(*c);
  return parsed ? parsed->number : 0;
}

std::string cseq_method(const Message& m) {
  auto c = m.header("CSeq");
  if (!c) return {};
  auto parsed = parse_cseq(*c);
  return parsed ? parsed->method : std::string();
}

// The URI inside a Contact header value, for the remote target.
std::string contact_uri(const Message& m) {
  auto values = m.header_values("Contact");
  if (values.empty()) return {};
  auto na = parse_name_addr(values.front());
  if (!na) return {};
  return na->uri.to_string();
}

std::string dialog_key(std::string_view call_id, std::string_view local_tag) {
  std::string key(call_id);
  key += '|';
  key += local_tag;
  return key;
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
  }
  return "unknown";
}

struct UserAgent::Call {
  enum class State {
    kIncoming,     // UAS: INVITE received, no final response yet
    kAnswered,     // UAS: 2xx sent, waiting for ACK
    kCalling,      // UAC: INVITE sent
    kProceeding,   // UAC: provisional received
    kCancelling,   // UAC: CANCEL sent, waiting for 487
    kConfirmed,    // dialog established
    kTerminating,  // BYE sent, or a non-2xx final sent and waiting for its ACK
  };
  CallHandle handle = 0;
  bool uas = true;
  State state = State::kIncoming;
  bool ended = false;  // on_ended has been fired
  Peer peer;
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  std::string local_header;   // our From (UAC) or To (UAS) header value, with tag
  std::string remote_header;  // theirs
  std::string remote_target;
  std::string local_uri;
  std::vector<std::string> route_set;
  std::uint32_t local_cseq = 0;
  Message invite;  // UAS: the INVITE received; UAC: the INVITE sent
  std::string invite_branch;
  std::string last_response;  // UAS: for INVITE retransmissions
  std::string local_sdp;
  std::string ack_bytes;  // UAC: to answer 2xx retransmissions
  io::TimerId retransmit_timer = 0;
  io::TimerId give_up_timer = 0;
  Millis interval{0};
};

UserAgent::UserAgent(io::EventLoop& loop, Transport& transport, UaConfig config, Handlers handlers,
                     Logger& logger, IdGenerator& ids)
    : loop_(loop),
      transport_(transport),
      config_(std::move(config)),
      handlers_(std::move(handlers)),
      logger_(logger),
      ids_(ids) {}

UserAgent::~UserAgent() {
  *alive_ = false;
  for (auto& [handle, call] : calls_) stop_retransmit(*call);
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

UserAgent::Call* UserAgent::find_dialog(const std::string& call_id, const std::string& local_tag) {
  auto it = by_dialog_.find(dialog_key(call_id, local_tag));
  return it == by_dialog_.end() ? nullptr : find(it->second);
}

std::string UserAgent::contact_for(const Peer& peer) const {
  std::string host = transport_.host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string c =
      "<sip:" + config_.contact_user + "@" + host + ":" + std::to_string(transport_.port());
  if (peer.kind == TransportKind::kTcp) c += ";transport=tcp";
  return c + ">";
}

void UserAgent::on_message(Message message, const Peer& from) {
  if (message.is_request())
    on_request(message, from);
  else
    on_response(message, from);
}

void UserAgent::respond(const Message& request, int status, const Peer& to,
                        std::string_view to_tag) {
  Message r = make_response(request, status, {}, to_tag);
  r.add_header("Server", config_.user_agent);
  if (status == 405 || status == 501 || (status == 200 && request.method == "OPTIONS")) {
    r.add_header("Allow", std::string(kAllow));
  }
  if (status == 200 && request.method == "OPTIONS") {
    r.add_header("Accept", "application/sdp");
  }
  transport_.send(r, to);
}

void UserAgent::on_request(Message& request, const Peer& from) {
  const std::string& method = request.method;
  if (method == "ACK") return on_ack(request);
  if (method == "CANCEL") return on_cancel(request, from);

  // RFC 3261 8.2.2.1: we serve sip:, sips: and tel: Request-URIs only.
  if (auto ruri = parse_uri(request.request_uri);
      !ruri || (ruri->scheme != "sip" && ruri->scheme != "sips" && ruri->scheme != "tel")) {
    respond(request, 416, from);
    return;
  }
  // We support no extensions yet: a Require we do not know is a 420.
  if (auto require = request.header_values("Require"); !require.empty()) {
    Message r = make_response(request, 420, {}, {});
    std::string unsupported;
    for (auto v : require) unsupported += (unsupported.empty() ? "" : ", ") + std::string(v);
    r.add_header("Unsupported", unsupported);
    transport_.send(r, from);
    return;
  }

  std::string to_tag = tag_of(request.header("To"));
  if (!to_tag.empty()) {
    Call* call = find_dialog(std::string(*request.header("Call-ID")), to_tag);
    if (!call) {
      respond(request, 481, from);
      return;
    }
    on_in_dialog(*call, request, from);
    return;
  }
  if (method == "INVITE") return on_new_invite(request, from);
  if (method == "OPTIONS") return respond(request, 200, from, ids_.token(10));
  if (method == "BYE") return respond(request, 481, from);
  respond(request, is_known_method(method) ? 405 : 501, from);
}

void UserAgent::on_new_invite(Message& invite, const Peer& from) {
  std::string call_id(*invite.header("Call-ID"));
  std::string branch = top_branch(invite);
  std::string key = dialog_key(call_id, branch);
  if (auto it = by_invite_branch_.find(key); it != by_invite_branch_.end()) {
    // A retransmission: repeat our latest response (RFC 3261 17.2.1).
    if (Call* call = find(it->second); call && !call->last_response.empty()) {
      transport_.send_raw(call->last_response, from);
    }
    return;
  }
  auto call = std::make_unique<Call>();
  call->handle = next_handle_++;
  call->uas = true;
  call->peer = from;
  call->call_id = call_id;
  call->local_tag = ids_.token(10);
  call->remote_tag = tag_of(invite.header("From"));
  call->remote_header = std::string(*invite.header("From"));
  call->local_header = std::string(*invite.header("To")) + ";tag=" + call->local_tag;
  call->remote_target = contact_uri(invite);
  for (auto rr : invite.header_values("Record-Route")) call->route_set.emplace_back(rr);
  call->invite = invite;
  call->invite_branch = branch;
  Message trying = make_response(invite, 100);
  call->last_response = trying.serialize();
  transport_.send(trying, from);

  CallHandle handle = call->handle;
  by_invite_branch_[key] = handle;
  by_dialog_[dialog_key(call_id, call->local_tag)] = handle;
  calls_[handle] = std::move(call);
  if (handlers_.on_incoming) handlers_.on_incoming(handle, invite, from);
}

void UserAgent::ringing(CallHandle handle) {
  Call* call = find(handle);
  if (!call || !call->uas || call->state != Call::State::kIncoming) return;
  Message r = make_response(call->invite, 180, {}, call->local_tag);
  r.add_header("Contact", contact_for(call->peer));
  call->last_response = r.serialize();
  transport_.send(r, call->peer);
}

void UserAgent::answer(CallHandle handle, const std::string& sdp) {
  Call* call = find(handle);
  if (!call || !call->uas || call->state != Call::State::kIncoming) return;
  Message r = make_response(call->invite, 200, {}, call->local_tag);
  for (auto rr : call->invite.header_values("Record-Route"))
    r.add_header("Record-Route", std::string(rr));
  r.add_header("Contact", contact_for(call->peer));
  r.add_header("Allow", std::string(kAllow));
  r.add_header("Server", config_.user_agent);
  r.add_header("Content-Type", "application/sdp");
  r.body = sdp;
  call->local_sdp = sdp;
  call->state = Call::State::kAnswered;
  call->last_response = r.serialize();
  transport_.send(r, call->peer);
  // The 2xx is retransmitted by the UA core until ACK, on any transport
  // (RFC 3261 13.3.1.4); after 64*T1 the session is torn down with BYE.
  start_retransmit(*call, call->last_response, true, [this](Call& c) {
    logger_.warn("sip", "no ACK for 2xx on call " + c.call_id + ": sending BYE");
    end(c, EndReason::kAckTimeout, 0);
    send_bye(c);
  });
}

void UserAgent::reject(CallHandle handle, int status) {
  Call* call = find(handle);
  if (!call || !call->uas || call->state != Call::State::kIncoming) return;
  send_final_uas(*call, make_response(call->invite, status, {}, call->local_tag));
  end(*call, EndReason::kRejected, status);
}

void UserAgent::send_final_uas(Call& call, Message response) {
  response.add_header("Server", config_.user_agent);
  call.state = Call::State::kTerminating;
  call.last_response = response.serialize();
  transport_.send(response, call.peer);
  // Timer G/H: repeat the final response until the ACK, over UDP only.
  if (call.peer.kind == TransportKind::kUdp) {
    start_retransmit(call, call.last_response, true, [this](Call& c) { forget(c.handle); });
  } else {
    forget_later(call.handle, config_.t1 * 64);
  }
}

void UserAgent::on_ack(Message& ack) {
  std::string to_tag = tag_of(ack.header("To"));
  Call* call = find_dialog(std::string(*ack.header("Call-ID")), to_tag);
  if (!call || !call->uas) return;  // stray ACKs are absorbed, never answered
  if (call->state == Call::State::kAnswered) {
    stop_retransmit(*call);
    call->state = Call::State::kConfirmed;
    if (handlers_.on_confirmed) handlers_.on_confirmed(call->handle);
  } else if (call->state == Call::State::kTerminating && !call->last_response.empty() &&
             cseq_method(ack) == "ACK" && cseq_number(ack) == cseq_number(call->invite)) {
    // ACK for our non-2xx final response: the INVITE transaction is over.
    stop_retransmit(*call);
    forget_later(call->handle, config_.t1 * 10);
  }
}

void UserAgent::on_cancel(Message& cancel, const Peer& from) {
  std::string key = dialog_key(std::string(*cancel.header("Call-ID")), top_branch(cancel));
  auto it = by_invite_branch_.find(key);
  Call* call = it == by_invite_branch_.end() ? nullptr : find(it->second);
  if (!call) {
    respond(cancel, 481, from);
    return;
  }
  respond(cancel, 200, from, call->local_tag);
  if (call->state != Call::State::kIncoming) return;  // already answered: CANCEL has no effect
  send_final_uas(*call, make_response(call->invite, 487, {}, call->local_tag));
  end(*call, EndReason::kCancelled, 487);
}

void UserAgent::on_in_dialog(Call& call, Message& request, const Peer& from) {
  const std::string& method = request.method;
  if (method == "BYE") {
    respond(request, 200, from);
    stop_retransmit(call);
    end(call, EndReason::kRemoteBye, 0);
    forget_later(call.handle, config_.t1 * 64);  // absorb BYE retransmissions meanwhile
    return;
  }
  if (call.ended) {
    respond(request, 481, from);
    return;
  }
  if (method == "INVITE") {
    // Re-INVITE (refresh, hold): keep the session as it is and answer with
    // our current SDP. Renegotiation comes with the media engine issue.
    Message r = make_response(request, 200);
    r.add_header("Contact", contact_for(call.peer));
    r.add_header("Content-Type", "application/sdp");
    r.body = call.local_sdp;
    transport_.send(r, from);
    return;
  }
  if (method == "OPTIONS") return respond(request, 200, from);
  respond(request, is_known_method(method) ? 405 : 501, from);
}

Message UserAgent::new_request(Call& call, std::string_view method) {
  Message m;
  m.request = true;
  m.method = std::string(method);
  m.request_uri = call.remote_target.empty() ? call.invite.request_uri : call.remote_target;
  std::string host = transport_.host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  m.add_header("Via", "SIP/2.0/" + std::string(call.peer.transport_name()) + " " + host + ":" +
                          std::to_string(transport_.port()) + ";branch=z9hG4bK" + ids_.token(16) +
                          ";rport");
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
  Message bye = new_request(call, "BYE");
  call.state = Call::State::kTerminating;
  std::string bytes = bye.serialize();
  transport_.send(bye, call.peer);
  if (call.peer.kind == TransportKind::kUdp) {
    start_retransmit(call, bytes, true, [this](Call& c) { forget(c.handle); });
  } else {
    stop_retransmit(call);
    forget_later(call.handle, config_.t1 * 64);
  }
}

void UserAgent::hangup(CallHandle handle) {
  Call* call = find(handle);
  if (!call || call->ended) return;
  switch (call->state) {
    case Call::State::kIncoming:
      send_final_uas(*call, make_response(call->invite, 480, {}, call->local_tag));
      end(*call, EndReason::kRejected, 480);
      return;
    case Call::State::kCalling:
    case Call::State::kProceeding:
      send_cancel(*call);
      return;
    case Call::State::kAnswered:
    case Call::State::kConfirmed:
      stop_retransmit(*call);
      end(*call, EndReason::kLocalBye, 0);
      send_bye(*call);
      return;
    case Call::State::kCancelling:
    case Call::State::kTerminating:
      return;
  }
}

Result<CallHandle> UserAgent::invite(const std::string& request_uri, const std::string& from_uri,
                                     const Peer& peer, const std::string& sdp) {
  auto target = parse_uri(request_uri);
  if (!target) return make_error("sip", "bad request URI: " + target.error().message);
  auto call = std::make_unique<Call>();
  call->handle = next_handle_++;
  call->uas = false;
  call->state = Call::State::kCalling;
  call->peer = peer;
  call->call_id = ids_.token(20) + "@keyline";
  call->local_tag = ids_.token(10);
  call->local_header = "<" + from_uri + ">;tag=" + call->local_tag;
  call->remote_header = "<" + request_uri + ">";
  call->remote_target = request_uri;
  call->local_sdp = sdp;

  Message m = new_request(*call, "INVITE");
  m.add_header("Contact", contact_for(peer));
  m.add_header("Allow", std::string(kAllow));
  m.add_header("Content-Type", "application/sdp");
  m.body = sdp;
  call->invite = m;
  call->invite_branch = top_branch(m);
  std::string bytes = m.serialize();
  transport_.send(m, peer);

  CallHandle handle = call->handle;
  by_dialog_[dialog_key(call->call_id, call->local_tag)] = handle;
  Call& ref = *call;
  calls_[handle] = std::move(call);
  // Timer A doubles without a cap for INVITE; Timer B gives up at 64*T1.
  if (peer.kind == TransportKind::kUdp) {
    start_retransmit(ref, bytes, false, [this](Call& c) { end(c, EndReason::kTimeout, 408); });
  }
  return handle;
}

void UserAgent::send_cancel(Call& call) {
  Message c;
  c.request = true;
  c.method = "CANCEL";
  c.request_uri = call.invite.request_uri;
  for (auto v : call.invite.header_values("Via")) {
    c.add_header("Via", std::string(v));
    break;
  }
  c.add_header("Max-Forwards", "70");
  c.add_header("From", std::string(*call.invite.header("From")));
  c.add_header("To", std::string(*call.invite.header("To")));
  c.add_header("Call-ID", call.call_id);
  c.add_header("CSeq", std::to_string(cseq_number(call.invite)) + " CANCEL");
  call.state = Call::State::kCancelling;
  transport_.send(c, call.peer);
}

void UserAgent::send_ack(Call& call, const Message& response, bool for_2xx) {
  Message ack;
  ack.request = true;
  ack.method = "ACK";
  if (for_2xx) {
    // A new transaction to the remote target (RFC 3261 13.2.2.4).
    std::string host = transport_.host();
    if (host.find(':') != std::string::npos) host = "[" + host + "]";
    ack.request_uri = call.remote_target;
    ack.add_header("Via", "SIP/2.0/" + std::string(call.peer.transport_name()) + " " + host + ":" +
                              std::to_string(transport_.port()) + ";branch=z9hG4bK" +
                              ids_.token(16) + ";rport");
  } else {
    // Part of the INVITE transaction: same branch (RFC 3261 17.1.1.3).
    ack.request_uri = call.invite.request_uri;
    for (auto v : call.invite.header_values("Via")) {
      ack.add_header("Via", std::string(v));
      break;
    }
  }
  ack.add_header("Max-Forwards", "70");
  ack.add_header("From", call.local_header);
  ack.add_header("To", std::string(*response.header("To")));
  ack.add_header("Call-ID", call.call_id);
  ack.add_header("CSeq", std::to_string(cseq_number(call.invite)) + " ACK");
  if (for_2xx)
    for (auto& r : call.route_set) ack.add_header("Route", r);
  call.ack_bytes = ack.serialize();
  transport_.send(ack, call.peer);
}

void UserAgent::on_response(Message& response, const Peer& /*from*/) {
  std::string from_tag = tag_of(response.header("From"));
  auto call_id = response.header("Call-ID");
  if (!call_id) return;
  Call* call = find_dialog(std::string(*call_id), from_tag);
  if (!call) return;  // responses to nothing we sent are dropped
  std::string method = cseq_method(response);
  if (method == "INVITE" && !call->uas) return on_invite_response(*call, response);
  if (method == "BYE") return on_bye_response(*call, response);
  // CANCEL responses need no action: the 487 for the INVITE follows.
}

void UserAgent::on_invite_response(Call& call, Message& response) {
  int status = response.status;
  if (status < 200) {
    if (call.state == Call::State::kCalling) {
      stop_retransmit(call);
      call.state = Call::State::kProceeding;
      // Timer B still bounds how long we wait for a final response.
      std::weak_ptr<bool> alive = alive_;
      CallHandle h = call.handle;
      call.give_up_timer = loop_.add_timer(config_.t1 * 64 * 4, [this, alive, h] {
        if (alive.expired()) return;
        if (Call* c = find(h); c && (c->state == Call::State::kProceeding)) {
          send_cancel(*c);
        }
      });
    }
    if (handlers_.on_provisional) handlers_.on_provisional(call.handle, response);
    return;
  }
  if (status < 300) {
    if (call.state == Call::State::kConfirmed || call.state == Call::State::kTerminating) {
      // A retransmitted 2xx: our ACK was lost; send it again.
      if (!call.ack_bytes.empty()) transport_.send_raw(call.ack_bytes, call.peer);
      return;
    }
    stop_retransmit(call);
    call.remote_tag = tag_of(response.header("To"));
    call.remote_header = std::string(*response.header("To"));
    if (auto target = contact_uri(response); !target.empty()) call.remote_target = target;
    auto rr = response.header_values("Record-Route");
    call.route_set.assign(rr.rbegin(), rr.rend());
    bool cancelling = call.state == Call::State::kCancelling;
    call.state = Call::State::kConfirmed;
    send_ack(call, response, true);
    if (cancelling) {
      // The answer crossed our CANCEL: end the session properly.
      end(call, EndReason::kLocalBye, 0);
      send_bye(call);
      return;
    }
    if (handlers_.on_answered) handlers_.on_answered(call.handle, response);
    return;
  }
  // Final error: ACK it within the transaction and end the call.
  stop_retransmit(call);
  send_ack(call, response, false);
  if (!call.ended) {
    end(call, status == 487 ? EndReason::kCancelled : EndReason::kFailed, status);
  }
  call.state = Call::State::kTerminating;
  forget_later(call.handle, config_.t1 * 64);
}

void UserAgent::on_bye_response(Call& call, const Message& /*response*/) {
  stop_retransmit(call);
  forget_later(call.handle, Millis{0});
}

void UserAgent::start_retransmit(Call& call, std::string bytes, bool capped,
                                 std::function<void(Call&)> on_give_up) {
  stop_retransmit(call);
  call.interval = config_.t1;
  CallHandle h = call.handle;
  std::weak_ptr<bool> alive = alive_;
  auto payload = std::make_shared<std::string>(std::move(bytes));
  auto tick = std::make_shared<std::function<void()>>();
  *tick = [this, alive, h, payload, capped, weak_tick = std::weak_ptr(tick)] {
    if (alive.expired()) return;
    Call* c = find(h);
    if (!c) return;
    transport_.send_raw(*payload, c->peer);
    c->interval = capped ? std::min(c->interval * 2, config_.t2) : c->interval * 2;
    if (auto next = weak_tick.lock()) {
      c->retransmit_timer = loop_.add_timer(c->interval, [next] { (*next)(); });
    }
  };
  if (call.peer.kind == TransportKind::kUdp || call.state == Call::State::kAnswered) {
    call.retransmit_timer = loop_.add_timer(call.interval, [tick] { (*tick)(); });
  }
  call.give_up_timer =
      loop_.add_timer(config_.t1 * 64, [this, alive, h, tick, give_up = std::move(on_give_up)] {
        if (alive.expired()) return;
        Call* c = find(h);
        if (!c) return;
        stop_retransmit(*c);
        give_up(*c);
      });
}

void UserAgent::stop_retransmit(Call& call) {
  if (call.retransmit_timer) loop_.cancel_timer(call.retransmit_timer);
  if (call.give_up_timer) loop_.cancel_timer(call.give_up_timer);
  call.retransmit_timer = 0;
  call.give_up_timer = 0;
}

void UserAgent::end(Call& call, EndReason reason, int status) {
  if (call.ended) return;
  call.ended = true;
  CallHandle h = call.handle;
  std::weak_ptr<bool> alive = alive_;
  loop_.post([this, alive, h, reason, status] {
    if (alive.expired()) return;
    if (handlers_.on_ended) handlers_.on_ended(h, reason, status);
  });
}

void UserAgent::forget_later(CallHandle handle, Millis delay) {
  std::weak_ptr<bool> alive = alive_;
  loop_.add_timer(delay, [this, alive, handle] {
    if (!alive.expired()) forget(handle);
  });
}

void UserAgent::forget(CallHandle handle) {
  Call* call = find(handle);
  if (!call) return;
  stop_retransmit(*call);
  if (!call->ended) end(*call, EndReason::kTimeout, 0);
  by_dialog_.erase(dialog_key(call->call_id, call->local_tag));
  if (call->uas) by_invite_branch_.erase(dialog_key(call->call_id, call->invite_branch));
  calls_.erase(handle);
}

}  // namespace keyline::sip
