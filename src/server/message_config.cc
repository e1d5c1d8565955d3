#include "server/message_config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "base/secure_wipe.h"
#include "flow/message_module.h"
#include "server/config_section.h"

namespace keyline::server {
namespace {

bool text(const YAML::Node& map, const std::string& path, const char* key, std::string& out,
          const ConfigFail& fail) {
  const YAML::Node n = map[key];
  if (!n.IsDefined()) return false;
  if (!n.IsScalar()) {
    fail(n, path + "." + key, "must be a string");
    return false;
  }
  out = n.Scalar();
  return true;
}

// env:VAR or file:PATH (its first line). Errors name where the secret should be, never it.
void secret(const YAML::Node& map, const std::string& path, const char* key,
            const std::string& base_dir, SecureString& out, MessagingSettings& settings,
            const ConfigFail& fail) {
  std::string spec;
  if (!text(map, path, key, spec, fail)) return;
  const YAML::Node n = map[key];
  if (spec.rfind("env:", 0) == 0) {
    const char* v = std::getenv(spec.c_str() + 4);
    if (!v || !*v)
      fail(n, path + "." + key, "environment variable " + spec.substr(4) + " is not set");
    if (v) out = v;
    return;
  }
  if (spec.rfind("file:", 0) != 0) {
    secure_wipe(spec);
    fail(n, path + "." + key, "must be env:VARIABLE or file:PATH (never the secret itself)");
    return;
  }
  const std::string file = resolve_config_path(base_dir, spec.substr(5));
  std::ifstream in(file);
  std::string line;
  if (!in || !std::getline(in, line) || line.empty()) {
    fail(n, path + "." + key, "cannot read " + file + " (or it is empty)");
    return;
  }
  if (line.back() == '\r') line.pop_back();
  out = line.c_str();
  secure_wipe(line);
  settings.secret_files.push_back(file);
}

int integer(const YAML::Node& map, const std::string& path, const char* key, int value, int min,
            int max, const ConfigFail& fail) {
  const YAML::Node n = map[key];
  if (!n.IsDefined()) return value;
  int v = 0;
  if (!n.IsScalar() || !YAML::convert<int>::decode(n, v) || v < min || v > max) {
    fail(n, path + "." + key,
         "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
    return value;
  }
  return v;
}

bool boolean(const YAML::Node& map, const std::string& path, const char* key, bool value,
             const ConfigFail& fail) {
  const YAML::Node n = map[key];
  if (!n.IsDefined()) return value;
  bool v = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
    fail(n, path + "." + key, "must be true or false");
    return value;
  }
  return v;
}

}  // namespace

void read_email_config(const YAML::Node& node, const std::string& base_dir, MessagingSettings& out,
                       const ConfigFail& fail) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    fail(node, "email", "must be a mapping (host, port, tls, user, password, from)");
    return;
  }
  only_config_keys(node, "email",
            {"host", "port", "tls", "user", "password", "from", "ca_file", "timeout_ms",
             "allow_plain_loopback"},
            fail);
  services::SmtpConfig c;
  if (!text(node, "email", "host", c.host, fail) || c.host.empty())
    fail(node, "email.host", "is required (the SMTP relay)");
  std::string tls = "starttls";
  text(node, "email", "tls", tls, fail);
  if (tls == "implicit") {
    c.tls = services::SmtpConfig::Tls::kImplicit;
    c.port = 465;
  } else if (tls != "starttls") {
    fail(node["tls"], "email.tls",
         "must be starttls (smtp:// upgraded, port 587) or implicit "
         "(smtps://, port 465)");
  }
  c.port = integer(node, "email", "port", c.port, 1, 65535, fail);
  text(node, "email", "user", c.user, fail);
  secret(node, "email", "password", base_dir, c.password, out, fail);
  if (!c.user.empty() && c.password.empty() && !node["password"].IsDefined())
    fail(node, "email.password", "is required with email.user (env:VAR or file:PATH)");
  if (!text(node, "email", "from", c.from, fail) || !flow::is_email_address(c.from))
    fail(node["from"].IsDefined() ? node["from"] : node, "email.from",
         "is required: the sender's address (ivr@example.com)");
  if (text(node, "email", "ca_file", c.ca_file, fail)) {
    c.ca_file = resolve_config_path(base_dir, c.ca_file);
    if (!std::filesystem::exists(c.ca_file))
      fail(node["ca_file"], "email.ca_file", "file not found: " + c.ca_file);
  }
  c.timeout = std::chrono::milliseconds(integer(
      node, "email", "timeout_ms", static_cast<int>(c.timeout.count()), 1000, 300000, fail));
  c.allow_plain_loopback = boolean(node, "email", "allow_plain_loopback", false, fail);
  // Plain SMTP would carry the message (and the password) in clear text across a network.
  if (c.allow_plain_loopback && !services::is_loopback_host(c.host))
    fail(node["allow_plain_loopback"], "email.allow_plain_loopback",
         "is only allowed for a relay on a loopback address (127.0.0.1, ::1, localhost)");
  out.email = std::move(c);
}

void read_sms_config(const YAML::Node& node, const std::string& base_dir, MessagingSettings& out,
                     const ConfigFail& fail) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    fail(node, "sms", "must be a mapping (url, from, format, auth_header, auth_value)");
    return;
  }
  only_config_keys(node, "sms",
            {"url", "from", "format", "auth_header", "auth_value", "ca_file", "timeout_ms"}, fail);
  services::SmsProviderConfig c;
  if (!text(node, "sms", "url", c.url, fail) || c.url.rfind("https://", 0) != 0)
    fail(node["url"].IsDefined() ? node["url"] : node, "sms.url",
         "is required and must be an https:// URL (the provider's messages endpoint)");
  if (!text(node, "sms", "from", c.from, fail) || c.from.empty())
    fail(node, "sms.from", "is required (the sender number or id)");
  std::string format = "form";
  text(node, "sms", "format", format, fail);
  if (format == "json") {
    c.format = services::SmsProviderConfig::Format::kJson;
  } else if (format != "form") {
    fail(node["format"], "sms.format", "must be form (Twilio-compatible) or json");
  }
  text(node, "sms", "auth_header", c.auth_header, fail);
  for (char ch : c.auth_header) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    if (!ok) {
      fail(node["auth_header"], "sms.auth_header", "must be a header name");
      break;
    }
  }
  secret(node, "sms", "auth_value", base_dir, c.auth_value, out, fail);
  if (text(node, "sms", "ca_file", out.sms_ca_file, fail)) {
    out.sms_ca_file = resolve_config_path(base_dir, out.sms_ca_file);
    if (!std::filesystem::exists(out.sms_ca_file))
      fail(node["ca_file"], "sms.ca_file", "file not found: " + out.sms_ca_file);
  }
  c.timeout = std::chrono::milliseconds(
      integer(node, "sms", "timeout_ms", static_cast<int>(c.timeout.count()), 1000, 120000, fail));
  out.sms = std::move(c);
}

}  // namespace keyline::server
