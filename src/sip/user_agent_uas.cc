// The UAS side of an INVITE (RFC 3261 13.3): a new INVITE becomes a call, which the owner
// rings, answers or rejects; our 2xx is retransmitted until the ACK (13.3.1.4), and CANCEL
// ends a call that is still ringing (9.2).
#include "sip/user_agent.h"

#include "sip/user_agent_call.h"

#include <algorithm>
#include <functional>
#include <memory>

#include "sip/session_timer.h"
#include "sip/uri.h"

namespace keyline::sip {

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
  ++unended_calls_;
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
  r.add_header("Allow", std::string(kUaAllow));
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

}  // namespace keyline::sip
