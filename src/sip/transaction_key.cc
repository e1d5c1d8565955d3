#include "sip/transaction_key.h"

#include "base/strings.h"
#include "sip/headers.h"
#include "sip/uri.h"

namespace keyline::sip {
namespace {

std::optional<Via> top_via(const Message& m) {
  auto value = m.header("Via");
  if (!value) return std::nullopt;
  auto vias = parse_vias(*value);
  if (!vias || vias->empty()) return std::nullopt;
  return std::move(vias->front());
}

std::string from_tag(const Message& m) {
  auto from = m.header("From");
  if (!from) return {};
  auto na = parse_name_addr(*from);
  return na ? na->tag().value_or("") : std::string();
}

}  // namespace

std::optional<std::string> server_transaction_key(const Message& request, std::string_view method) {
  auto via = top_via(request);
  if (!via) return std::nullopt;
  std::string branch = via->branch().value_or("");
  std::string key(method);
  if (branch.starts_with(kMagicCookie)) {
    key += ' ';
    key += branch;
    key += ' ';
    key += to_lower(via->host);  // host names compare case-insensitively
    key += ':';
    if (via->port != 0) key += std::to_string(via->port);
    return key;
  }
  auto cseq = request.header("CSeq");
  if (!cseq) return std::nullopt;
  auto parsed = parse_cseq(*cseq);
  if (!parsed) return std::nullopt;
  key += " 2543 ";
  key += request.request_uri;
  key += ' ';
  key += request.header("Call-ID").value_or("");
  key += ' ';
  key += from_tag(request);
  key += ' ';
  key += std::to_string(parsed->number);
  key += ' ';
  key += via->to_string();
  return key;
}

std::optional<std::string> client_transaction_key(const Message& message) {
  auto via = top_via(message);
  if (!via) return std::nullopt;
  auto branch = via->branch();
  auto cseq = message.header("CSeq");
  if (!branch || branch->empty() || !cseq) return std::nullopt;
  auto parsed = parse_cseq(*cseq);
  if (!parsed) return std::nullopt;
  return *branch + ' ' + parsed->method;
}

}  // namespace keyline::sip
