// Blind transfer by REFER (RFC 3515) from our side of an established dialog: the REFER with
// Refer-To and Referred-By, its final response (202 or an error), then the NOTIFYs of the
// implicit subscription, each answered 200 OK and read for the sipfrag status line of the
// transferee's call to the target (RFC 3420). The owner decides what to do (hang up on a final
// 2xx sipfrag); this file only speaks the protocol.
#include <cctype>

#include "base/strings.h"
#include "sip/headers.h"
#include "sip/uri.h"
#include "sip/user_agent.h"
#include "sip/user_agent_call.h"

namespace keyline::sip {
namespace {

// RFC 3261 19.1.1: a header inside a URI is hname=hvalue with reserved characters escaped.
std::string escape_uri_header(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '!' ||
                       c == '~' || c == '*' || c == '\'' || c == '(' || c == ')' || c == '[' ||
                       c == ']' || c == '/' || c == ':' || c == '+' || c == '$';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// "SIP/2.0 486 Busy Here" (the first line of a message/sipfrag body) -> 486; 0 if unreadable.
int sipfrag_status(std::string_view body) {
  const auto eol = body.find_first_of("\r\n");
  std::string_view line = body.substr(0, eol);
  if (line.rfind("SIP/2.0 ", 0) != 0 || line.size() < 11) return 0;
  int status = 0;
  for (std::size_t i = 8; i < 11; ++i) {
    if (line[i] < '0' || line[i] > '9') return 0;
    status = status * 10 + (line[i] - '0');
  }
  return status >= 100 && status <= 699 ? status : 0;
}

// The event package of an Event header: "refer" for "refer;id=93809824".
std::string event_package(std::string_view value) {
  std::string_view p = value.substr(0, value.find(';'));
  while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
  while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
  return to_lower(p);
}

}  // namespace

Status UserAgent::refer(CallHandle handle, const std::string& refer_to, const HeaderList& headers) {
  Call* call = find(handle);
  if (!call || call->ended || call->state != Call::State::kConfirmed)
    return make_error("sip", "REFER needs an established call");
  if (call->refer_tx) return make_error("sip", "a REFER is already in progress on this call");
  auto target = parse_uri(refer_to);
  if (!target) return make_error("sip", "bad Refer-To URI: " + target.error().message);
  std::string uri = refer_to;
  for (std::size_t i = 0; i < headers.size(); ++i) {
    uri += i == 0 && uri.find('?') == std::string::npos ? '?' : '&';
    uri += escape_uri_header(headers[i].first) + "=" + escape_uri_header(headers[i].second);
  }
  Message m = new_request(*call, "REFER");
  m.add_header("Refer-To", "<" + uri + ">");
  // Who asked for the transfer (RFC 3892): our side of the dialog, without its tag.
  if (auto local = parse_name_addr(call->local_header))
    m.add_header("Referred-By", "<" + local->uri.to_string() + ">");
  m.add_header("Contact", contact_for(call->peer, call->sips));
  m.add_header("Event", "refer");
  auto tx = layer_.send_request(std::move(m), call->peer);
  if (!tx) return tx.error();
  call->refer_tx = *tx;
  by_transaction_[*tx] = call->handle;
  return Ok{};
}

void UserAgent::on_refer_response(Call& call, const Message& response) {
  if (response.status < 200) return;
  by_transaction_.erase(call.refer_tx);
  call.refer_tx = 0;
  ReferEvent event;
  event.kind = ReferEvent::Kind::kResponse;
  event.status = response.status;
  // 202 Accepted (or any 2xx): NOTIFYs follow. Anything else ends the attempt, including the
  // 408 the transaction layer makes up when nobody answered.
  event.final = response.status >= 300;
  if (handlers_.on_refer) handlers_.on_refer(call.handle, event);
}

void UserAgent::on_notify(Call& call, TransactionId tx, const Message& request) {
  const std::string package = event_package(request.header("Event").value_or(""));
  if (package != "refer") {
    // RFC 6665 8.2.1 / RFC 3265 7.2.2: an event package we did not subscribe to.
    respond(tx, request, 489);
    return;
  }
  respond(tx, request, 200);
  ReferEvent event;
  event.kind = ReferEvent::Kind::kNotify;
  event.status = sipfrag_status(request.body);
  const std::string state = to_lower(request.header("Subscription-State").value_or(""));
  event.final = state.rfind("terminated", 0) == 0;
  if (handlers_.on_refer) handlers_.on_refer(call.handle, event);
}

}  // namespace keyline::sip
