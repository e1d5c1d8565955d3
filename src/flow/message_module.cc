#include "flow/message_module.h"

#include <algorithm>

#include "base/strings.h"
#include "flow/secure_wipe.h"
#include "privacy/redact.h"

namespace keyline::flow {
namespace {

bool domain_ok(std::string_view domain) {
  if (domain.empty() || domain.size() > 253 || domain.find('.') == std::string_view::npos ||
      domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos)
    return false;
  return std::all_of(domain.begin(), domain.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
  });
}

// Substitutes every text of a message; *used_private says whether any value was private.
std::string fill(std::string_view text, const Variables& variables, bool& used_private) {
  bool p = false;
  std::string out = substitute(text, variables, &p);
  used_private = used_private || p;
  return out;
}

Result<MessageRequest> refuse(MessageRequest& r, std::string message) {
  wipe(r);
  return make_error("message", std::move(message));
}

}  // namespace

bool is_email_address(std::string_view text) {
  if (text.size() > 254) return false;
  const auto at = text.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  const std::string_view local = text.substr(0, at);
  const bool local_ok = std::all_of(local.begin(), local.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '<' && c != '>' && c != '"' && c != '(' && c != ')' &&
           c != ',' && c != ';' && c != ':' && c != '@' && c != '[' && c != ']' && c != '\\';
  });
  return local_ok && local.front() != '.' && local.back() != '.' && domain_ok(text.substr(at + 1));
}

bool is_e164_number(std::string_view text) {
  if (text.size() < 9 || text.size() > 16 || text.front() != '+' || text[1] == '0') return false;
  return std::all_of(text.begin() + 1, text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::string compact_phone_number(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t') continue;
    out += c;
  }
  return out;
}

Result<MessageRequest> build_email_request(const Module& module, const Variables& variables) {
  const auto& s = std::get<EmailSettings>(module.settings);
  MessageRequest r;
  r.channel = MessageRequest::Channel::kEmail;
  r.module = module.name;
  bool used_private = module.is_private;
  for (const auto& to : s.to) r.to.push_back(fill(to, variables, used_private));
  for (const auto& cc : s.cc) r.cc.push_back(fill(cc, variables, used_private));
  r.subject = fill(s.subject, variables, used_private);
  r.body = fill(s.body, variables, used_private);
  if (used_private)
    return refuse(r, "a private value may not be sent by email (email is not a secure channel)");
  for (auto* list : {&r.to, &r.cc}) {
    for (auto& address : *list) {
      address = std::string(trim(address));
      // The address is a template's result: it is not echoed, it may be a caller's entry.
      if (!is_email_address(address))
        return refuse(r, "a recipient is not a valid email address after substitution");
    }
  }
  if (r.to.empty()) return refuse(r, "no recipient");
  if (r.body.size() > kMaxMessageBody)
    return refuse(r, "the body is longer than " + std::to_string(kMaxMessageBody) + " bytes");
  // A line break from a variable must not start a header of its own.
  std::replace_if(
      r.subject.begin(), r.subject.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  // Nothing private was inserted, but a value nobody marked (a card number read back from a
  // web service) is still masked before it leaves.
  std::string subject = privacy::redact_text(r.subject);
  std::string body = privacy::redact_text(r.body);
  secure_wipe(r.subject);
  secure_wipe(r.body);
  r.subject = std::move(subject);
  r.body = std::move(body);
  return r;
}

Result<MessageRequest> build_sms_request(const Module& module, const Variables& variables) {
  const auto& s = std::get<SmsSettings>(module.settings);
  MessageRequest r;
  r.channel = MessageRequest::Channel::kSms;
  r.module = module.name;
  bool used_private = module.is_private;
  std::string to = fill(s.to, variables, used_private);
  r.to.push_back(compact_phone_number(to));
  secure_wipe(to);
  r.body = fill(s.text, variables, used_private);
  if (used_private)
    return refuse(r, "a private value may not be sent by SMS (SMS is not a secure channel)");
  if (!is_e164_number(r.to.front()))
    return refuse(r, "the recipient is not an E.164 number (+14155550123) after substitution");
  if (r.body.empty()) return refuse(r, "the text is empty");
  if (r.body.size() > kMaxSmsText)
    return refuse(r, "the text is longer than " + std::to_string(kMaxSmsText) + " bytes");
  std::string body = privacy::redact_text(r.body);
  secure_wipe(r.body);
  r.body = std::move(body);
  return r;
}

void wipe(MessageRequest& request) {
  for (auto& a : request.to) secure_wipe(a);
  for (auto& a : request.cc) secure_wipe(a);
  secure_wipe(request.subject);
  secure_wipe(request.body);
  request.to.clear();
  request.cc.clear();
}

}  // namespace keyline::flow
