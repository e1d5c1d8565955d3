#include "services/sms_provider.h"

#include "base/json_text.h"
#include "base/secure_wipe.h"

namespace keyline::services {
namespace {

void append_form_value(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
}

}  // namespace

HttpRequest build_sms_request(const SmsProviderConfig& config, std::string_view to,
                              std::string_view text) {
  HttpRequest r;
  r.method = "POST";
  r.url = config.url;
  r.timeout = config.timeout;
  r.https_only = true;
  r.carries_private = true;
  r.max_response_bytes = 64 * 1024;
  if (config.format == SmsProviderConfig::Format::kForm) {
    r.body = "To=";
    append_form_value(r.body, to);
    r.body += "&From=";
    append_form_value(r.body, config.from);
    r.body += "&Body=";
    append_form_value(r.body, text);
    r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  } else {
    r.body = "{\"to\":";
    append_json_string(r.body, to);
    r.body += ",\"from\":";
    append_json_string(r.body, config.from);
    r.body += ",\"text\":";
    append_json_string(r.body, text);
    r.body += "}";
    r.headers.emplace_back("Content-Type", "application/json");
  }
  r.headers.emplace_back("Accept", "application/json");
  if (!config.auth_value.empty())
    r.headers.emplace_back(config.auth_header, std::string(config.auth_value.view()));
  return r;
}

}  // namespace keyline::services
