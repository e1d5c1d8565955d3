#include "server/register_config.h"

#include "server/config_section.h"
#include "sip/uri.h"

namespace keyline::server {
namespace {

bool read_text(const YAML::Node& map, const std::string& path, const char* key, std::string& out,
               const ConfigFail& fail) {
  const YAML::Node v = map[key];
  if (!v) return false;
  if (!v.IsScalar() || v.Scalar().empty()) {
    fail(v, path + "." + key, "must be a non-empty string");
    return false;
  }
  out = v.Scalar();
  return true;
}

void read_int(const YAML::Node& map, const std::string& path, const char* key, int low, int high,
              int& out, const ConfigFail& fail) {
  const YAML::Node v = map[key];
  if (!v) return;
  int n = 0;
  if (!v.IsScalar() || !YAML::convert<int>::decode(v, n) || n < low || n > high) {
    fail(v, path + "." + key,
         "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    return;
  }
  out = n;
}

void read_one(const YAML::Node& map, const std::string& path, const std::string& base_dir,
              std::vector<RegisterSettings>& out, const ConfigFail& fail) {
  if (!map.IsMap()) return fail(map, path, "must be a mapping");
  only_config_keys(map, path,
                   {"name", "registrar", "aor", "contact_user", "transport", "username", "password",
                    "expires", "retry_min_s", "retry_max_s"},
                   fail);
  RegisterSettings r;
  if (!read_text(map, path, "registrar", r.registrar, fail)) {
    if (!map["registrar"]) fail(map, path + ".registrar", "is required (sip:host[:port])");
  } else if (auto uri = sip::parse_uri(r.registrar); !uri || (uri->scheme != "sip")) {
    fail(map["registrar"], path + ".registrar", "must be a sip: URI (sip:host[:port])");
  } else {
    r.name = uri->host;
  }
  if (!read_text(map, path, "aor", r.aor, fail)) {
    if (!map["aor"]) fail(map, path + ".aor", "is required (sip:user@domain)");
  } else if (auto uri = sip::parse_uri(r.aor); !uri || uri->scheme != "sip" || uri->user.empty()) {
    fail(map["aor"], path + ".aor", "must be a sip: URI with a user (sip:user@domain)");
  } else {
    r.contact_user = uri->user;
  }
  read_text(map, path, "name", r.name, fail);
  read_text(map, path, "contact_user", r.contact_user, fail);
  if (read_text(map, path, "transport", r.transport, fail) && r.transport != "udp" &&
      r.transport != "tcp")
    fail(map["transport"], path + ".transport", "must be udp or tcp");
  read_text(map, path, "username", r.username, fail);
  std::string password;
  if (read_text(map, path, "password", password, fail)) {
    if (password.rfind("env:", 0) == 0 && password.size() > 4) {
      r.password_ref = password;
    } else if (password.rfind("file:", 0) == 0 && password.size() > 5) {
      r.password_ref = "file:" + resolve_config_path(base_dir, password.substr(5));
    } else {
      fail(map["password"], path + ".password",
           "must be env:VAR or file:PATH (a password is never written in the config)");
    }
  }
  if (!r.username.empty() && r.password_ref.empty() && !map["password"])
    fail(map, path + ".password", "is required with a username (env:VAR or file:PATH)");
  read_int(map, path, "expires", 30, 86400 * 7, r.expires_s, fail);
  read_int(map, path, "retry_min_s", 1, 3600, r.retry_min_s, fail);
  read_int(map, path, "retry_max_s", 1, 86400, r.retry_max_s, fail);
  if (r.retry_max_s < r.retry_min_s)
    fail(map, path + ".retry_max_s", "must not be less than retry_min_s");
  out.push_back(std::move(r));
}

}  // namespace

void read_register_config(const YAML::Node& node, const std::string& base_dir,
                          std::vector<RegisterSettings>& out, const ConfigFail& fail) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (node.IsMap()) return read_one(node, "sip.register", base_dir, out, fail);
  if (!node.IsSequence()) return fail(node, "sip.register", "must be a mapping or a list of them");
  for (std::size_t i = 0; i < node.size(); ++i)
    read_one(node[i], "sip.register[" + std::to_string(i) + "]", base_dir, out, fail);
}

}  // namespace keyline::server
