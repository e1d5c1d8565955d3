#include "flow/transfer_request.h"

#include "base/strings.h"

namespace keyline::flow {
namespace {

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '!' || c == '%' || c == '*' || c == '_' || c == '+' || c == '`' ||
         c == '\'' || c == '~';
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

bool is_separator(char c) { return c == ' ' || c == '(' || c == ')' || c == '-' || c == '.'; }

}  // namespace

std::string_view transfer_outcome_name(TransferResult::Outcome outcome) {
  switch (outcome) {
    case TransferResult::Outcome::kDone:
      return "done";
    case TransferResult::Outcome::kNoAnswer:
      return "noanswer";
    case TransferResult::Outcome::kBusy:
      return "busy";
    case TransferResult::Outcome::kFarEndDisconnect:
      return "far_end_disconnect";
    case TransferResult::Outcome::kMaxTimeDisconnect:
      return "maxtime_disconnect";
    case TransferResult::Outcome::kError:
      return "error";
  }
  return "error";
}

bool is_transfer_header_name(std::string_view name) {
  if (iequals(name, "User-to-User")) return true;
  if (name.size() < 3 || !starts_with_ci(name, "X-")) return false;
  for (char c : name)
    if (!is_token_char(c)) return false;
  return true;
}

std::string check_transfer_target(std::string_view target) {
  if (target.empty()) return "is empty";
  for (char c : target) {
    // Anything that could end the header or the URI it goes into (Refer-To, Request-URI).
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '"')
      return "may not contain control characters, '<', '>' or '\"'";
  }
  if (starts_with_ci(target, "sip:") || starts_with_ci(target, "sips:")) {
    const auto colon = target.find(':');
    const std::string_view rest = target.substr(colon + 1);
    const std::string_view host =
        rest.substr(rest.find('@') == std::string_view::npos ? 0 : rest.find('@') + 1);
    if (host.empty() || host.front() == ';' || host.front() == ':')
      return "is a SIP URI without a host (sip:user@host)";
    if (target.find(' ') != std::string_view::npos) return "is a SIP URI with a space in it";
    return "";
  }
  std::string_view number = target;
  if (starts_with_ci(number, "tel:")) number.remove_prefix(4);
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  int digits = 0;
  for (char c : number) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (!is_separator(c)) {
      return "must be a phone number (digits, optional '+') or a sip:, sips: or tel: URI";
    }
  }
  if (digits == 0 || digits > 32) return "must be a phone number of 1 to 32 digits";
  return "";
}

std::string normalize_transfer_target(std::string_view target) {
  if (starts_with_ci(target, "sip:") || starts_with_ci(target, "sips:")) return std::string(target);
  std::string out;
  if (starts_with_ci(target, "tel:")) target.remove_prefix(4);
  for (char c : target)
    if ((c >= '0' && c <= '9') || (c == '+' && out.empty())) out += c;
  return out;
}

}  // namespace keyline::flow
