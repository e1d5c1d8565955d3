// Requests inside an established dialog that carry (or ask for) a new session description, as
// their UAS: re-INVITE (RFC 3261 14.2) and UPDATE (RFC 3311), plus INFO. The owner answers
// each offer through Handlers::on_offer; this file keeps the offer/answer state of the dialog
// straight: 491 when our own offer is outstanding (glare), 500 with Retry-After while another
// INVITE transaction or an unanswered offer is in progress, 2xx retransmission until the ACK,
// and the answer taken from the ACK when our 2xx carried the offer.
#include "sip/user_agent.h"
#include "sip/user_agent_call.h"

namespace keyline::sip {

int UserAgent::offer_conflict(const Call& call, bool invite) const {
  // Our offer is out and unanswered (in a 2xx waiting for its ACK, or a refresh re-INVITE):
  // both sides offered at once, RFC 3261 14.2 / RFC 3311 5.2 say 491.
  if (call.offer_in_2xx || (call.refresh_tx != 0 && call.refresh_is_invite)) return 491;
  // The initial INVITE has not been answered and acknowledged yet, or the peer's previous
  // re-INVITE is still waiting for its ACK: an INVITE transaction is in progress (500).
  if (call.state != Call::State::kConfirmed) return 500;
  if (invite && call.reinvite_tx != 0) return 500;
  return 0;
}

void UserAgent::respond_retry_later(TransactionId tx, const Message& request) {
  // RFC 3261 14.2: a random Retry-After of 0-10 s, so both sides do not retry in step.
  Message r = make_response(request, 500);
  retry_after_seed_ = retry_after_seed_ * 1103515245u + 12345u + ids_.u32();
  r.add_header("Retry-After", std::to_string((retry_after_seed_ >> 8) % 11));
  r.add_header("Server", config_.user_agent);
  layer_.respond(tx, r);
}

void UserAgent::on_reinvite(Call& call, TransactionId tx, const Message& request,
                            const Peer& from) {
  const std::uint32_t cseq = cseq_number(request);
  // RFC 3261 12.2.2: a request older than one already seen is out of order.
  if (cseq < call.remote_cseq) return respond_retry_later(tx, request);
  if (int refuse = offer_conflict(call, true)) {
    if (refuse == 491) return respond(tx, request, 491);
    return respond_retry_later(tx, request);
  }
  call.remote_cseq = cseq;
  if (!negotiate_session_timer(call, tx, request)) return;
  const CallHandle handle = call.handle;
  SdpReply reply{200, call.local_sdp};
  if (handlers_.on_offer) reply = handlers_.on_offer(handle, request.body);
  Call* c = find(handle);
  if (!c || c->ended) return respond(tx, request, 481);  // hung up from inside the handler
  if (reply.status >= 300) return respond(tx, request, reply.status);  // session unchanged
  if (reply.status == 0) reply.sdp = c->local_sdp;
  Message r = make_response(request, 200);
  r.add_header("Contact", contact_for(from, c->sips));
  r.add_header("Allow", std::string(kUaAllow));
  r.add_header("Server", config_.user_agent);
  add_session_timer_headers(*c, r);
  r.add_header("Content-Type", "application/sdp");
  r.body = reply.sdp;
  c->local_sdp = reply.sdp;
  // Without SDP in the re-INVITE, this 2xx is our offer; the ACK answers it (RFC 3261 14.2).
  c->offer_in_2xx = request.body.empty();
  c->reinvite_tx = tx;
  c->reinvite_cseq = cseq;
  c->answer_bytes = r.serialize();
  layer_.respond(tx, r);
  // Like the first 2xx: retransmitted until the ACK, and BYE after 64*T1 without one.
  start_2xx_retransmit(*c);
  arm_session_timer(*c);  // a re-INVITE refreshes the session (RFC 4028 10)
}

bool UserAgent::on_reinvite_ack(Call& call, const Message& ack) {
  if (call.reinvite_tx == 0 || cseq_number(ack) != call.reinvite_cseq) return false;
  stop_2xx_retransmit(call);
  call.reinvite_tx = 0;
  const bool offered = call.offer_in_2xx;
  call.offer_in_2xx = false;
  if (offered && handlers_.on_ack_answer) handlers_.on_ack_answer(call.handle, ack.body);
  return true;
}

void UserAgent::on_update(Call& call, TransactionId tx, const Message& request, const Peer& from) {
  const std::uint32_t cseq = cseq_number(request);
  if (cseq < call.remote_cseq) return respond_retry_later(tx, request);
  const bool offer = !request.body.empty();
  if (offer) {
    // RFC 3311 5.2: 491 if our offer is unanswered, 500 + Retry-After if theirs is.
    if (int refuse = offer_conflict(call, false)) {
      if (refuse == 491) return respond(tx, request, 491);
      return respond_retry_later(tx, request);
    }
  }
  call.remote_cseq = cseq;
  if (!negotiate_session_timer(call, tx, request)) return;
  const CallHandle handle = call.handle;
  SdpReply reply{200, call.local_sdp};
  if (offer && handlers_.on_offer) reply = handlers_.on_offer(handle, request.body);
  Call* c = find(handle);
  if (!c || c->ended) return respond(tx, request, 481);
  if (reply.status >= 300) return respond(tx, request, reply.status);
  if (reply.status == 0) reply.sdp = c->local_sdp;
  Message r = make_response(request, 200);
  r.add_header("Contact", contact_for(from, c->sips));
  r.add_header("Server", config_.user_agent);
  add_session_timer_headers(*c, r);
  if (offer) {
    r.add_header("Content-Type", "application/sdp");
    r.body = reply.sdp;
    c->local_sdp = reply.sdp;
  }
  layer_.respond(tx, r);
  arm_session_timer(*c);  // an UPDATE refreshes the session too
}

void UserAgent::on_info(Call& call, TransactionId tx, const Message& request) {
  const std::uint32_t cseq = cseq_number(request);
  if (cseq < call.remote_cseq) return respond_retry_later(tx, request);
  call.remote_cseq = cseq;
  int status = handlers_.on_info ? handlers_.on_info(call.handle, request) : 200;
  respond(tx, request, status);
}

Status UserAgent::send_info(CallHandle handle, const std::string& content_type,
                            const std::string& body, const HeaderList& headers) {
  Call* call = find(handle);
  if (!call || call->ended || call->state != Call::State::kConfirmed)
    return make_error("sip", "INFO needs an established call");
  Message m = new_request(*call, "INFO");
  for (const auto& [name, value] : headers) m.add_header(name, value);
  if (!content_type.empty()) m.add_header("Content-Type", content_type);
  m.body = body;
  // Its response needs no action: a lost or refused key shows in what the peer does next.
  auto tx = layer_.send_request(std::move(m), call->peer);
  if (!tx) return tx.error();
  return Ok{};
}

}  // namespace keyline::sip
