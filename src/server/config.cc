#include "server/config.h"

#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include "server/privacy_config.h"
#include "server/tts_config.h"
#include "sip/access_policy.h"

namespace keyline::server {
namespace {

constexpr std::string_view kDefaultYaml =
    R"yaml(# Keyline default configuration: SIP on UDP and TCP 127.0.0.1:5060, every
# called number routed to the built-in demo app.
sip:
  listen: 127.0.0.1
  port: 5060
  udp: true
  tcp: true
media:
  rtp_port_min: 10000
  rtp_port_max: 20000
  srtp: optional    # off | optional | mandatory (SDES-SRTP, RFC 4568)
  dtmf_mode: auto   # auto | rfc4733 | inband | info (docs/media.md)
  rtp_timeout_s: 60 # hang up after this long without RTP/RTCP from the caller; 0 = never
  io_uring: true    # batch each worker's RTP sends and reads per system call (docs/media.md)
  realtime_priority: 0  # 1-99: workers run under SCHED_RR so other work cannot delay packets
apps_dir: apps      # *.json apps, beside the built-in demo (optional here)
data_dir: data
log_level: info
privacy:
  pan_mask: bin_last4   # bin_last4 | last4: how much of a card number logs and call logs show
  other_mask: last2     # last2 | placeholder: SSNs, account numbers, dates of birth ...
api:                # HTTPS JSON API (docs/api.md)
  enabled: true
  listen: 127.0.0.1
  port: 8443
retention:
  call_log_detail_days: 30
  call_log_days: 0  # 0 keeps call summaries
deployments:
  - name: demo
    numbers: ["*"]
    app: demo
)yaml";

// Collects errors as "source:line:col: path: message".
class Checker {
 public:
  explicit Checker(std::string source) : source_(std::move(source)) {}

  void fail(const YAML::Node& node, const std::string& path, const std::string& message) {
    std::ostringstream out;
    out << source_;
    if (node.IsDefined() && node.Mark().line >= 0)
      out << ":" << node.Mark().line + 1 << ":" << node.Mark().column + 1;
    out << ": " << path << ": " << message;
    errors_.push_back(out.str());
  }

  // Rejects keys not in `allowed`.
  void only_keys(const YAML::Node& map, const std::string& path,
                 std::initializer_list<std::string_view> allowed) {
    for (const auto& kv : map) {
      std::string key = kv.first.Scalar();
      bool ok = false;
      for (auto a : allowed) ok = ok || key == a;
      if (!ok) fail(kv.first, join(path, key), "unknown key");
    }
  }

  bool is_map(const YAML::Node& node, const std::string& path) {
    if (node.IsMap()) return true;
    fail(node, path, "must be a mapping");
    return false;
  }

  template <class Int>
  void integer(const YAML::Node& map, const std::string& path, const char* key, Int& out,
               long long min, long long max) {
    YAML::Node n = map[key];
    if (!n.IsDefined()) return;
    long long v;
    if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v)) {
      fail(n, join(path, key), "must be an integer");
      return;
    }
    if (v < min || v > max) {
      fail(n, join(path, key),
           "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return;
    }
    out = static_cast<Int>(v);
  }

  void boolean(const YAML::Node& map, const std::string& path, const char* key, bool& out) {
    YAML::Node n = map[key];
    if (!n.IsDefined()) return;
    bool v;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      fail(n, join(path, key), "must be true or false");
      return;
    }
    out = v;
  }

  void string(const YAML::Node& map, const std::string& path, const char* key, std::string& out) {
    YAML::Node n = map[key];
    if (!n.IsDefined()) return;
    if (!n.IsScalar()) {
      fail(n, join(path, key), "must be a string");
      return;
    }
    out = n.Scalar();
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  bool ok() const { return errors_.empty(); }
  std::string message() const {
    std::string out;
    for (const auto& e : errors_) out += (out.empty() ? "" : "\n") + e;
    return out;
  }

 private:
  std::string source_;
  std::vector<std::string> errors_;
};

std::string resolve(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

void read_deployments(Checker& c, const YAML::Node& list, Config& config) {
  if (!list.IsDefined()) return;
  if (!list.IsSequence()) {
    c.fail(list, "deployments", "must be a list");
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string path = "deployments[" + std::to_string(i) + "]";
    const YAML::Node d = list[i];
    if (!c.is_map(d, path)) continue;
    c.only_keys(d, path, {"name", "numbers", "app", "answer_delay_ms", "secure", "secure_media"});
    Deployment dep;
    c.string(d, path, "name", dep.name);
    c.string(d, path, "app", dep.app);
    c.integer(d, path, "answer_delay_ms", dep.answer_delay_ms, 0, 60000);
    c.boolean(d, path, "secure", dep.secure);
    if (d["secure_media"].IsDefined()) {
      std::string media;
      c.string(d, path, "secure_media", media);
      if (media == "warn") {
        dep.secure_media_warn = true;
      } else if (media != "require") {
        c.fail(d["secure_media"], path + ".secure_media", "must be require or warn");
      }
      if (!dep.secure)
        c.fail(d["secure_media"], path + ".secure_media",
               "applies to secure: true deployments only");
    }
    if (dep.app.empty()) c.fail(d, path + ".app", "is required");
    if (dep.name.empty()) dep.name = dep.app;
    if (!names.insert(dep.name).second) c.fail(d["name"], path + ".name", "duplicate name");
    YAML::Node numbers = d["numbers"];
    if (!numbers.IsDefined()) {
      c.fail(d, path + ".numbers", "is required (use [\"*\"] for any number)");
    } else if (!numbers.IsSequence() || numbers.size() == 0) {
      c.fail(numbers, path + ".numbers", "must be a non-empty list");
    } else {
      for (std::size_t j = 0; j < numbers.size(); ++j) {
        if (!numbers[j].IsScalar() || numbers[j].Scalar().empty())
          c.fail(numbers[j], path + ".numbers[" + std::to_string(j) + "]",
                 "must be a number or \"*\"");
        else
          dep.numbers.push_back(numbers[j].Scalar());
      }
    }
    config.deployments.push_back(std::move(dep));
  }
}

void read_tls(Checker& c, const YAML::Node& tls, SipTlsConfig& out) {
  if (!tls.IsDefined() || tls.IsNull()) return;
  if (!c.is_map(tls, "sip.tls")) return;
  c.only_keys(tls, "sip.tls", {"port", "cert", "key", "ca", "verify_client"});
  out.enabled = true;
  c.integer(tls, "sip.tls", "port", out.port, 0, 65535);
  c.string(tls, "sip.tls", "cert", out.cert);
  c.string(tls, "sip.tls", "key", out.key);
  c.string(tls, "sip.tls", "ca", out.ca);
  c.boolean(tls, "sip.tls", "verify_client", out.verify_client);
  if (out.cert.empty()) c.fail(tls, "sip.tls.cert", "is required (PEM certificate chain)");
  if (out.key.empty()) c.fail(tls, "sip.tls.key", "is required (PEM private key)");
  if (out.verify_client && out.ca.empty())
    c.fail(tls, "sip.tls.ca", "is required when verify_client is true");
}

// env:VAR, file:PATH (first line) or the text itself. Errors name where the
// password should have come from, never the password.
std::optional<std::string> resolve_secret(const std::string& spec, const std::string& base_dir,
                                          std::string& error) {
  if (spec.rfind("env:", 0) == 0) {
    const char* v = std::getenv(spec.c_str() + 4);
    if (!v || !*v) {
      error = "environment variable " + spec.substr(4) + " is not set";
      return std::nullopt;
    }
    return std::string(v);
  }
  if (spec.rfind("file:", 0) == 0) {
    std::string path = resolve(base_dir, spec.substr(5));
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) {
      error = "cannot read " + path;
      return std::nullopt;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      error = path + " is empty";
      return std::nullopt;
    }
    return line;
  }
  if (spec.empty()) {
    error = "is empty";
    return std::nullopt;
  }
  return spec;
}

void read_auth(Checker& c, const YAML::Node& auth, const std::string& base_dir,
               SipAuthConfig& out) {
  if (!auth.IsDefined() || auth.IsNull()) return;
  if (!c.is_map(auth, "sip.auth")) return;
  c.only_keys(auth, "sip.auth", {"realm", "users", "algorithms"});
  if (YAML::Node algs = auth["algorithms"]; algs.IsDefined()) {
    out.algorithms.clear();
    if (!algs.IsSequence() || algs.size() == 0) {
      c.fail(algs, "sip.auth.algorithms", "must be a non-empty list of SHA-256, MD5");
    } else {
      for (std::size_t i = 0; i < algs.size(); ++i) {
        std::string a = algs[i].IsScalar() ? algs[i].Scalar() : "";
        if (a != "SHA-256" && a != "MD5")
          c.fail(algs[i], "sip.auth.algorithms[" + std::to_string(i) + "]",
                 "must be SHA-256 or MD5");
        else
          out.algorithms.push_back(a);
      }
    }
  }
  out.enabled = true;
  c.string(auth, "sip.auth", "realm", out.realm);
  if (out.realm.empty()) c.fail(auth, "sip.auth.realm", "is required");
  YAML::Node users = auth["users"];
  if (!users.IsDefined() || !users.IsSequence() || users.size() == 0) {
    c.fail(users.IsDefined() ? users : auth, "sip.auth.users", "must be a non-empty list");
    return;
  }
  for (std::size_t i = 0; i < users.size(); ++i) {
    std::string path = "sip.auth.users[" + std::to_string(i) + "]";
    if (!c.is_map(users[i], path)) continue;
    c.only_keys(users[i], path, {"user", "password"});
    std::string user, spec;
    c.string(users[i], path, "user", user);
    c.string(users[i], path, "password", spec);
    if (user.empty()) {
      c.fail(users[i], path + ".user", "is required");
      continue;
    }
    std::string error;
    auto password = resolve_secret(spec, base_dir, error);
    if (!password) {
      c.fail(users[i]["password"].IsDefined() ? users[i]["password"] : users[i], path + ".password",
             error);
      continue;
    }
    if (spec.rfind("file:", 0) == 0)
      out.password_files.push_back(resolve(base_dir, spec.substr(5)));
    else if (spec.rfind("env:", 0) != 0)
      out.literal_passwords = true;
    if (!out.users.emplace(user, *password).second)
      c.fail(users[i]["user"], path + ".user", "duplicate user");
  }
}

void read_access(Checker& c, const YAML::Node& access, SipAccessConfig& out) {
  if (!access.IsDefined() || access.IsNull()) return;
  if (!c.is_map(access, "sip.access")) return;
  const std::string p = "sip.access";
  c.only_keys(access, p,
              {"allow", "deny", "rate_per_second", "burst", "ban_after_failures",
               "failure_window_seconds", "ban_seconds", "max_calls", "retry_after_seconds"});
  if (YAML::Node allow = access["allow"]; allow.IsDefined()) {
    if (!allow.IsSequence()) {
      c.fail(allow, p + ".allow", "must be a list of addresses or CIDR prefixes");
    } else {
      for (std::size_t i = 0; i < allow.size(); ++i) {
        std::string v = allow[i].IsScalar() ? allow[i].Scalar() : "";
        if (!sip::Cidr::parse(v))
          c.fail(allow[i], p + ".allow[" + std::to_string(i) + "]",
                 "must be an IPv4/IPv6 address or prefix like 10.0.0.0/8");
        else
          out.allow.push_back(v);
      }
    }
  }
  std::string deny = out.deny_with_403 ? "403" : "silent";
  c.string(access, p, "deny", deny);
  if (deny == "403")
    out.deny_with_403 = true;
  else if (deny == "silent")
    out.deny_with_403 = false;
  else
    c.fail(access["deny"], p + ".deny", "must be silent or 403");
  int rate = 0, burst = 0;
  c.integer(access, p, "rate_per_second", rate, 0, 100000);
  c.integer(access, p, "burst", burst, 0, 1000000);
  out.rate_per_second = rate;
  out.burst = burst > 0 ? burst : rate * 2;
  c.integer(access, p, "ban_after_failures", out.ban_after_failures, 0, 1000);
  c.integer(access, p, "failure_window_seconds", out.failure_window_seconds, 1, 86400);
  c.integer(access, p, "ban_seconds", out.ban_seconds, 1, 30 * 86400);
  c.integer(access, p, "max_calls", out.max_calls, 0, 1000000);
  c.integer(access, p, "retry_after_seconds", out.retry_after_seconds, 1, 3600);
}

}  // namespace

std::string_view default_config_yaml() { return kDefaultYaml; }

Config default_config() {
  auto parsed = parse_config(kDefaultYaml, "(embedded defaults)", "");
  Config config = parsed ? parsed.value() : Config{};
  config.apps_dir_optional = true;
  return config;
}

Result<Config> parse_config(std::string_view yaml_text, std::string_view source_name,
                            const std::string& base_dir) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& e) {
    return make_error("config", std::string(source_name) + ":" + std::to_string(e.mark.line + 1) +
                                    ":" + std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  Checker c{std::string(source_name)};
  Config config;
  config.source = std::string(source_name);
  if (!root.IsDefined() || root.IsNull()) return config;
  if (!c.is_map(root, "(top level)")) return make_error("config", c.message());
  c.only_keys(root, "",
              {"sip", "media", "apps_dir", "data_dir", "log_level", "deployments", "privacy", "api",
               "retention", "http", "tts", "recording", "transfer", "email", "sms", "database",
               "outbound"});
  if (YAML::Node sip = root["sip"]; sip.IsDefined() && c.is_map(sip, "sip")) {
    c.only_keys(
        sip, "sip",
        {"listen", "port", "udp", "tcp", "t1_ms", "t2_ms", "idle_timeout_s", "max_connections",
         "max_connections_per_source", "tls", "auth", "access", "session_expires_s", "min_se_s",
         "trunk_reload_s", "register", "workers", "udp_receive_buffer_kb"});
    c.string(sip, "sip", "listen", config.sip.listen);
    c.integer(sip, "sip", "port", config.sip.port, 0, 65535);
    c.boolean(sip, "sip", "udp", config.sip.udp);
    c.boolean(sip, "sip", "tcp", config.sip.tcp);
    c.integer(sip, "sip", "t1_ms", config.sip.t1_ms, 50, 10000);
    c.integer(sip, "sip", "t2_ms", config.sip.t2_ms, 500, 60000);
    if (!config.sip.udp && !config.sip.tcp) c.fail(sip, "sip", "enable at least one of udp, tcp");
    c.integer(sip, "sip", "idle_timeout_s", config.sip.idle_timeout_s, 0, 86400);
    c.integer(sip, "sip", "min_se_s", config.sip.min_se_s, 90, 86400);
    c.integer(sip, "sip", "trunk_reload_s", config.sip.trunk_reload_s, 0, 86400);
    c.integer(sip, "sip", "workers", config.sip.workers, 0, 256);
    c.integer(sip, "sip", "udp_receive_buffer_kb", config.sip.udp_receive_buffer_kb, 0, 1048576);
    c.integer(sip, "sip", "session_expires_s", config.sip.session_expires_s, 0, 86400);
    if (config.sip.session_expires_s != 0 && config.sip.session_expires_s < config.sip.min_se_s)
      c.fail(sip["session_expires_s"], "sip.session_expires_s", "must be 0 or at least min_se_s");
    c.integer(sip, "sip", "max_connections", config.sip.max_connections, 0, 1000000);
    c.integer(sip, "sip", "max_connections_per_source", config.sip.max_connections_per_source, 0,
              1000000);
    if (config.sip.max_connections > 0 &&
        config.sip.max_connections_per_source > config.sip.max_connections)
      c.fail(sip["max_connections_per_source"], "sip.max_connections_per_source",
             "must not exceed sip.max_connections (" + std::to_string(config.sip.max_connections) +
                 ")");
    read_tls(c, sip["tls"], config.sip.tls);
    read_auth(c, sip["auth"], base_dir, config.sip.auth);
    read_register_config(sip["register"], base_dir, config.sip.registrations,
                         [&c](const YAML::Node& node, const std::string& path,
                              const std::string& message) { c.fail(node, path, message); });
    read_access(c, sip["access"], config.sip.access);
  }
  if (YAML::Node media = root["media"]; media.IsDefined() && c.is_map(media, "media")) {
    c.only_keys(media, "media",
                {"rtp_port_min", "rtp_port_max", "srtp", "dtmf_mode", "rtp_timeout_s", "io_uring",
                 "realtime_priority"});
    c.integer(media, "media", "rtp_port_min", config.media.rtp_port_min, 1024, 65534);
    c.integer(media, "media", "rtp_port_max", config.media.rtp_port_max, 1025, 65535);
    if (config.media.rtp_port_max <= config.media.rtp_port_min)
      c.fail(media, "media.rtp_port_max", "must be above rtp_port_min");
    c.integer(media, "media", "rtp_timeout_s", config.media.rtp_timeout_s, 0, 86400);
    c.boolean(media, "media", "io_uring", config.media.io_uring);
    c.integer(media, "media", "realtime_priority", config.media.realtime_priority, 0, 99);
    std::string srtp(sdp::srtp_policy_name(config.media.srtp));
    c.string(media, "media", "srtp", srtp);
    if (auto policy = sdp::parse_srtp_policy(srtp))
      config.media.srtp = *policy;
    else
      c.fail(media["srtp"], "media.srtp", "must be one of off, optional, mandatory");
    std::string dtmf(media::dtmf_mode_name(config.media.dtmf_mode));
    c.string(media, "media", "dtmf_mode", dtmf);
    if (auto mode = media::parse_dtmf_mode(dtmf))
      config.media.dtmf_mode = *mode;
    else
      c.fail(media["dtmf_mode"], "media.dtmf_mode", "must be one of auto, rfc4733, inband, info");
  }
  if (YAML::Node api = root["api"]; api.IsDefined() && c.is_map(api, "api")) {
    c.only_keys(api, "api",
                {"enabled", "listen", "port", "tls_cert", "tls_key", "threads", "rate_per_second",
                 "burst"});
    c.boolean(api, "api", "enabled", config.api.enabled);
    c.string(api, "api", "listen", config.api.listen);
    c.integer(api, "api", "port", config.api.port, 0, 65535);
    c.string(api, "api", "tls_cert", config.api.tls_cert);
    c.string(api, "api", "tls_key", config.api.tls_key);
    c.integer(api, "api", "threads", config.api.threads, 1, 64);
    int rate = static_cast<int>(config.api.rate_per_second);
    c.integer(api, "api", "rate_per_second", rate, 1, 1000000);
    config.api.rate_per_second = rate;
    c.integer(api, "api", "burst", config.api.burst, 1, 1000000);
    if (config.api.tls_cert.empty() != config.api.tls_key.empty())
      c.fail(api, "api", "set both tls_cert and tls_key, or neither");
  }
  if (YAML::Node r = root["retention"]; r.IsDefined() && c.is_map(r, "retention")) {
    c.only_keys(r, "retention",
                {"call_log_detail_days", "call_log_days", "audit_log_days", "outbound_days",
                 "post_call_queue_days", "recordings_days"});
    c.integer(r, "retention", "call_log_detail_days", config.retention.call_log_detail_days, 0,
              36500);
    c.integer(r, "retention", "call_log_days", config.retention.call_log_days, 0, 36500);
    // Retention per entity (issue 9).
    c.integer(r, "retention", "audit_log_days", config.retention.audit_log_days, 0, 36500);
    c.integer(r, "retention", "outbound_days", config.retention.outbound_days, 0, 36500);
    c.integer(r, "retention", "post_call_queue_days", config.retention.post_call_queue_days, 0,
              36500);
    c.integer(r, "retention", "recordings_days", config.retention.recordings_days, 0, 36500);
  }
  c.string(root, "", "apps_dir", config.apps_dir);
  c.string(root, "", "data_dir", config.data_dir);
  std::string level = "info";
  c.string(root, "", "log_level", level);
  if (auto parsed = parse_log_level(level))
    config.log_level = *parsed;
  else
    c.fail(root["log_level"], "log_level", "must be one of debug, info, warn, error");
  read_deployments(c, root["deployments"], config);
  read_privacy_config(root["privacy"], config.privacy, config.core_dumps,
                      [&c](const YAML::Node& node, const std::string& path,
                           const std::string& message) { c.fail(node, path, message); });
  read_tts_config(root["tts"], config.tts_cache,
                  [&c](const YAML::Node& node, const std::string& path,
                       const std::string& message) { c.fail(node, path, message); });
  read_http_config(root["http"], base_dir, config.http,
                   [&c](const YAML::Node& node, const std::string& path,
                        const std::string& message) { c.fail(node, path, message); });
  {
    const ConfigFail fail = [&c](const YAML::Node& node, const std::string& path,
                                 const std::string& message) { c.fail(node, path, message); };
    read_email_config(root["email"], base_dir, config.messaging, fail);
    read_sms_config(root["sms"], base_dir, config.messaging, fail);
  }
  if (!c.ok()) return make_error("config", c.message());
  if (!config.tts_cache.disk_dir.empty())
    config.tts_cache.disk_dir = resolve(base_dir, config.tts_cache.disk_dir);
  config.apps_dir = resolve(base_dir, config.apps_dir);
  config.data_dir = resolve(base_dir, config.data_dir);
  read_recording_config(root["recording"], base_dir, config.data_dir, config.recording,
                        [&c](const YAML::Node& node, const std::string& path,
                             const std::string& message) { c.fail(node, path, message); });
  read_transfer_config(root["transfer"], config.transfer,
                       [&c](const YAML::Node& node, const std::string& path,
                            const std::string& message) { c.fail(node, path, message); });
  read_database_config(root["database"], base_dir, config.database,
                       [&c](const YAML::Node& node, const std::string& path,
                            const std::string& message) { c.fail(node, path, message); });
  read_outbound_config(root["outbound"], config.outbound,
                       [&c](const YAML::Node& node, const std::string& path,
                            const std::string& message) { c.fail(node, path, message); });
  if (!c.ok()) return make_error("config", c.message());
  if (!config.api.tls_cert.empty()) {
    config.api.tls_cert = resolve(base_dir, config.api.tls_cert);
    config.api.tls_key = resolve(base_dir, config.api.tls_key);
  }
  config.sip.tls.cert = resolve(base_dir, config.sip.tls.cert);
  config.sip.tls.key = resolve(base_dir, config.sip.tls.key);
  config.sip.tls.ca = resolve(base_dir, config.sip.tls.ca);
  return config;
}

Result<Config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error("config", path + ": cannot read the file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string base = std::filesystem::path(path).parent_path().string();
  return parse_config(buffer.str(), path, base);
}

}  // namespace keyline::server
