// Message accessors, serialization and response construction. Parsing lives
// in parser.cc.
#include "sip/message.h"

#include <algorithm>

#include "sip/syntax.h"

namespace keyline::sip {

std::optional<std::string_view> Message::header(std::string_view name) const {
  for (const auto& h : headers)
    if (header_name_equals(h.name, name)) return std::string_view(h.value);
  return std::nullopt;
}

std::vector<std::string_view> Message::header_values(std::string_view name) const {
  std::vector<std::string_view> out;
  bool list = is_list_header(name);
  for (const auto& h : headers) {
    if (!header_name_equals(h.name, name)) continue;
    if (!list) {
      out.push_back(h.value);
      continue;
    }
    for (auto element : syntax::split_outside_quotes(h.value, ','))
      if (!element.empty()) out.push_back(element);
  }
  return out;
}

void Message::add_header(std::string name, std::string value) {
  headers.push_back(Header{std::move(name), std::move(value)});
}

void Message::set_header(std::string_view name, std::string value) {
  auto first = std::find_if(headers.begin(), headers.end(),
                            [&](const Header& h) { return header_name_equals(h.name, name); });
  if (first == headers.end()) {
    add_header(std::string(name), std::move(value));
    return;
  }
  first->value = std::move(value);
  auto keep = first - headers.begin();
  headers.erase(std::remove_if(headers.begin() + keep + 1, headers.end(),
                               [&](const Header& h) { return header_name_equals(h.name, name); }),
                headers.end());
}

void Message::remove_header(std::string_view name) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [&](const Header& h) { return header_name_equals(h.name, name); }),
                headers.end());
}

std::string Message::serialize() const {
  std::string out;
  out.reserve(256 + body.size());
  if (request) {
    out += method + " " + request_uri + " SIP/2.0\r\n";
  } else {
    out += "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\n";
  }
  std::string content_length = "Content-Length: " + std::to_string(body.size()) + "\r\n";
  bool wrote_length = false;
  for (const auto& h : headers) {
    if (header_name_equals(h.name, "Content-Length")) {
      // A stale length would desynchronise a stream peer: always recompute.
      if (!wrote_length) out += content_length;
      wrote_length = true;
      continue;
    }
    out += h.name + ": " + h.value + "\r\n";
  }
  if (!wrote_length) out += content_length;
  out += "\r\n";
  out += body;
  return out;
}

Message make_response(const Message& request, int status, std::string_view reason,
                      std::string_view to_tag) {
  Message response;
  response.request = false;
  response.status = status;
  response.reason = std::string(reason.empty() ? default_reason(status) : reason);
  for (const auto& h : request.headers)
    if (header_name_equals(h.name, "Via")) response.add_header("Via", h.value);
  if (auto from = request.header("From")) response.add_header("From", std::string(*from));
  if (auto to = request.header("To")) {
    std::string value(*to);
    auto parsed = parse_name_addr(value);
    // Appending keeps the peer's exact text; for a bare URI the parameter
    // still belongs to the header (RFC 3261 20.10).
    if (!to_tag.empty() && parsed && !parsed->tag()) value += ";tag=" + std::string(to_tag);
    response.add_header("To", std::move(value));
  }
  if (auto call_id = request.header("Call-ID"))
    response.add_header("Call-ID", std::string(*call_id));
  if (auto cseq = request.header("CSeq")) response.add_header("CSeq", std::string(*cseq));
  response.add_header("Content-Length", "0");
  return response;
}

std::string_view default_reason(int status) {
  switch (status) {
    case 100:
      return "Trying";
    case 180:
      return "Ringing";
    case 181:
      return "Call Is Being Forwarded";
    case 182:
      return "Queued";
    case 183:
      return "Session Progress";
    case 199:
      return "Early Dialog Terminated";
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Notification";
    case 300:
      return "Multiple Choices";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Moved Temporarily";
    case 305:
      return "Use Proxy";
    case 380:
      return "Alternative Service";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 402:
      return "Payment Required";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 413:
      return "Request Entity Too Large";
    case 414:
      return "Request-URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Unsupported URI Scheme";
    case 420:
      return "Bad Extension";
    case 421:
      return "Extension Required";
    case 422:
      return "Session Interval Too Small";
    case 423:
      return "Interval Too Brief";
    case 480:
      return "Temporarily Unavailable";
    case 481:
      return "Call/Transaction Does Not Exist";
    case 482:
      return "Loop Detected";
    case 483:
      return "Too Many Hops";
    case 484:
      return "Address Incomplete";
    case 485:
      return "Ambiguous";
    case 486:
      return "Busy Here";
    case 487:
      return "Request Terminated";
    case 488:
      return "Not Acceptable Here";
    case 489:
      return "Bad Event";
    case 491:
      return "Request Pending";
    case 493:
      return "Undecipherable";
    case 500:
      return "Server Internal Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Server Time-out";
    case 505:
      return "Version Not Supported";
    case 513:
      return "Message Too Large";
    case 600:
      return "Busy Everywhere";
    case 603:
      return "Decline";
    case 604:
      return "Does Not Exist Anywhere";
    case 606:
      return "Not Acceptable";
    default:
      break;
  }
  if (status >= 100 && status < 200) return "Session Progress";
  if (status >= 200 && status < 300) return "OK";
  if (status >= 300 && status < 400) return "Redirection";
  if (status >= 400 && status < 500) return "Client Error";
  if (status >= 500 && status < 600) return "Server Error";
  return "Global Failure";
}

}  // namespace keyline::sip
