// RFC 4028 session timers on a dialog: the headers of our 2xx, the timer that either refreshes
// the session (we are the refresher: an UPDATE, or a re-INVITE for peers without UPDATE, at
// half the interval) or ends it (the peer is the refresher and went quiet: BYE), and the
// refresh's response.
#include "sip/session_timer.h"

#include "base/strings.h"
#include "sip/user_agent.h"
#include "sip/user_agent_call.h"

namespace keyline::sip {
namespace {

bool allows(const Message& m, std::string_view method) {
  for (auto v : m.header_values("Allow"))
    if (iequals(trim(v), method)) return true;
  return false;
}

}  // namespace

bool UserAgent::negotiate_session_timer(Call& call, TransactionId tx, const Message& request) {
  SessionTimerDecision timer = decide_session_timer(request, config_.session_timer);
  if (timer.too_small) {
    Message r = make_response(request, 422);
    r.add_header("Min-SE", std::to_string(timer.min_se_s));
    r.add_header("Server", config_.user_agent);
    layer_.respond(tx, r);
    return false;
  }
  // A refresh that names no Session-Expires keeps the interval already agreed.
  if (timer.active && request.header("Session-Expires")) call.session_timer = timer;
  return true;
}

void UserAgent::add_session_timer_headers(const Call& call, Message& response) const {
  response.add_header("Supported", std::string(kUaSupported));
  if (!call.session_timer.active) return;
  response.add_header("Session-Expires", session_expires_value(call.session_timer));
  if (call.session_timer.peer_supports) response.add_header("Require", "timer");
}

void UserAgent::arm_session_timer(Call& call) {
  timers_.cancel(call.session_timer_handle);
  call.session_timer_handle = 0;
  if (!call.session_timer.active || call.ended) return;
  const int interval = call.session_timer.interval_s;
  const int after = call.session_timer.refresher == Refresher::kUs ? refresh_after_s(interval)
                                                                   : expire_after_s(interval);
  std::weak_ptr<bool> alive = alive_;
  CallHandle h = call.handle;
  call.session_timer_handle = timers_.schedule(Millis(after * 1000LL), [this, alive, h] {
    if (!alive.expired()) on_session_timer(h);
  });
}

void UserAgent::on_session_timer(CallHandle handle) {
  Call* call = find(handle);
  if (!call) return;
  call->session_timer_handle = 0;
  if (call->ended || call->state != Call::State::kConfirmed) return;
  if (call->session_timer.refresher == Refresher::kUs) {
    send_refresh(*call);
    return;
  }
  // RFC 4028 10: no refresh from the refresher before the session expired: the peer is gone.
  logger_.warn("sip", "session timer expired on call " + call->call_id + ": sending BYE");
  stop_2xx_retransmit(*call);
  end(*call, EndReason::kSessionExpired, 0);
  send_bye(*call);
}

void UserAgent::send_refresh(Call& call) {
  if (call.refresh_tx != 0) return;
  // UPDATE needs no ACK and carries no SDP; a peer that does not allow it gets a re-INVITE with
  // our current SDP (unchanged, so the same o= version, RFC 3264 8).
  const bool invite = call.refresh_with_invite || !allows(call.invite, "UPDATE");
  Message m = new_request(call, invite ? "INVITE" : "UPDATE");
  m.add_header("Contact", contact_for(call.peer, call.sips));
  m.add_header("Supported", "timer");
  // In our own request we are the UAC: refresher=uac names us.
  m.add_header("Session-Expires", std::to_string(call.session_timer.interval_s) + ";refresher=uac");
  if (invite) {
    m.add_header("Allow", std::string(kUaAllow));
    m.add_header("Content-Type", "application/sdp");
    m.body = call.local_sdp;
  }
  auto tx = layer_.send_request(std::move(m), call.peer);
  if (!tx) {
    arm_session_timer(call);  // try again next interval
    return;
  }
  call.refresh_tx = *tx;
  call.refresh_is_invite = invite;
  by_transaction_[*tx] = call.handle;
}

void UserAgent::on_refresh_response(Call& call, const Message& response) {
  if (response.status < 200) return;
  by_transaction_.erase(call.refresh_tx);
  call.refresh_tx = 0;
  const bool invite = call.refresh_is_invite;
  call.refresh_is_invite = false;
  if (call.ended) return;
  if (response.status < 300) {
    if (invite) {
      // The ACK for our re-INVITE's 2xx, kept for retransmitted 2xx (on_stray_response).
      Message ack = new_request(call, "ACK");
      ack.set_header("CSeq", std::to_string(cseq_number(response)) + " ACK");
      --call.local_cseq;  // an ACK takes the INVITE's CSeq number, not a new one
      call.ack_bytes = ack.serialize();
      sink_.send_raw(call.ack_bytes, call.peer);
    }
    arm_session_timer(call);
    return;
  }
  if (!invite && (response.status == 405 || response.status == 501)) {
    call.refresh_with_invite = true;
    send_refresh(call);
    return;
  }
  if (response.status == 408 || response.status == 481) {
    // RFC 4028 10: a refresh that times out or finds no dialog ends the session.
    logger_.warn("sip", "session refresh failed (" + std::to_string(response.status) +
                            ") on call " + call.call_id + ": sending BYE");
    end(call, EndReason::kSessionExpired, response.status);
    send_bye(call);
    return;
  }
  // Anything else (491 glare, 500): the session goes on; try again at the next half interval.
  arm_session_timer(call);
}

}  // namespace keyline::sip
