// A REFER received in an established dialog (RFC 3515): the peer asks us to call someone (an
// IVR told to transfer its caller). The owner decides through Handlers::on_refer_received;
// unset, every REFER is declined with 603 and nothing else changes. Accepted (202), the
// implicit subscription starts with a NOTIFY carrying "100 Trying" (3515 2.4.4), and each
// notify_refer() of the owner sends the new call's progress as message/sipfrag (RFC 3420), the
// final one terminating the subscription. With Refer-Sub: false (RFC 4488) no NOTIFY is sent.
#include "base/strings.h"
#include "sip/headers.h"
#include "sip/uri.h"
#include "sip/user_agent.h"
#include "sip/user_agent_call.h"

namespace keyline::sip {

void UserAgent::on_refer_request(Call& call, TransactionId tx, const Message& request) {
  if (auto cseq = cseq_number(request); cseq > call.remote_cseq) call.remote_cseq = cseq;
  auto refer_to = request.header_values("Refer-To");
  if (refer_to.size() != 1) {
    respond(tx, request, 400);  // 3515 2.4.1: exactly one Refer-To
    return;
  }
  auto target = parse_name_addr(refer_to.front());
  if (!target) {
    respond(tx, request, 400);
    return;
  }
  if (call.state != Call::State::kConfirmed) {
    respond(tx, request, 481);  // no established dialog to transfer from yet
    return;
  }
  if (call.refer_in_active) {
    respond(tx, request, 491);  // one transfer at a time
    return;
  }
  IncomingRefer refer;
  refer.refer_to = target->uri.to_string();
  refer.referred_by = std::string(request.header("Referred-By").value_or(""));
  refer.no_subscription = iequals(trim(request.header("Refer-Sub").value_or("")), "false");
  const CallHandle handle = call.handle;
  const int status = handlers_.on_refer_received ? handlers_.on_refer_received(handle, refer) : 603;
  Call* c = find(handle);  // the owner may have hung up from inside the handler
  if (!c || c->ended) {
    respond(tx, request, 481);
    return;
  }
  if (status < 200 || status >= 300) {
    respond(tx, request, status >= 300 && status <= 699 ? status : 603);
    return;
  }
  Message r = make_response(request, 202);
  r.add_header("Contact", contact_for(c->peer, c->sips));
  if (refer.no_subscription) r.add_header("Refer-Sub", "false");
  layer_.respond(tx, r);
  c->refer_in_active = !refer.no_subscription;
  c->refer_in_cseq = cseq_number(request);
  if (c->refer_in_active) send_refer_notify(*c, 100, false);
}

void UserAgent::send_refer_notify(Call& call, int status, bool final) {
  Message m = new_request(call, "NOTIFY");
  m.add_header("Event", "refer;id=" + std::to_string(call.refer_in_cseq));
  m.add_header("Subscription-State", final ? "terminated;reason=noresource" : "active;expires=60");
  m.add_header("Contact", contact_for(call.peer, call.sips));
  m.add_header("Content-Type", "message/sipfrag;version=2.0");
  m.body = "SIP/2.0 " + std::to_string(status) + " " + std::string(default_reason(status)) + "\r\n";
  // Its answer changes nothing: a subscription the peer dropped (481) just ends here.
  (void)layer_.send_request(std::move(m), call.peer);
  if (final) call.refer_in_active = false;
}

Status UserAgent::notify_refer(CallHandle handle, int status, bool final) {
  Call* call = find(handle);
  if (!call || call->ended || call->state != Call::State::kConfirmed)
    return make_error("sip", "no established call to notify");
  if (!call->refer_in_active) return make_error("sip", "no accepted REFER on this call");
  if (status < 100 || status > 699) return make_error("sip", "bad sipfrag status");
  send_refer_notify(*call, status, final || status >= 200);
  return Ok{};
}

}  // namespace keyline::sip
