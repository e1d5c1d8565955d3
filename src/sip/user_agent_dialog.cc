// Requests inside an established dialog (RFC 3261 12.2): those the peer sends are handed to
// their method's handler (BYE here; re-INVITE, UPDATE, INFO, PRACK, REFER and NOTIFY in their
// own files), and ours are built from the dialog's state (new_request), BYE among them.
#include "sip/user_agent.h"

#include "sip/user_agent_call.h"

namespace keyline::sip {

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

}  // namespace keyline::sip
