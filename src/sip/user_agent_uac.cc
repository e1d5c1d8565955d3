// The UAC side of an INVITE (RFC 3261 13.2): we place a call, ACK its 2xx ourselves
// (13.2.2.4), answer digest challenges once, and hand failures to fail-over and redirects
// (user_agent_targets.cc, user_agent_redirect.cc).
#include "sip/user_agent.h"

#include "sip/user_agent_call.h"

#include "sip/digest.h"
#include "sip/uri.h"

namespace keyline::sip {

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
  m.add_header("Allow", std::string(kUaAllow));
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
  ++unended_calls_;
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

}  // namespace keyline::sip
