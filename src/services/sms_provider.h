// The SMS provider's request: an HTTPS POST the server sends through an HttpClient whose
// egress policy allows the provider alone. Two body shapes: a Twilio-compatible form
// (To, From, Body) and a generic JSON webhook ({"to", "from", "text"}). The credential is one
// header (Authorization by default) whose value the operator keeps in a file.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/secure_string.h"
#include "services/http_types.h"

namespace keyline::services {

struct SmsProviderConfig {
  std::string url;   // https:// only
  std::string from;  // the sender number (E.164) or id the provider expects
  enum class Format { kForm, kJson } format = Format::kForm;
  std::string auth_header = "Authorization";
  SecureString auth_value;  // "Basic ...", "Bearer ..."; empty: no header
  std::chrono::milliseconds timeout{10000};
};

// The request for one message to `to` (already E.164). carries_private is set: the text and
// the number are the caller's business, so the URL and body are never logged.
HttpRequest build_sms_request(const SmsProviderConfig& config, std::string_view to,
                              std::string_view text);

}  // namespace keyline::services
