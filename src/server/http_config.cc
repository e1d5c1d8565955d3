#include "server/http_config.h"

#include <filesystem>
#include <vector>

#include "server/config_section.h"

namespace keyline::server {
namespace {

void text(const YAML::Node& map, const std::string& path, const char* key, std::string& out,
          const ConfigFail& fail) {
  const YAML::Node n = map[key];
  if (!n.IsDefined()) return;
  if (!n.IsScalar()) {
    fail(n, path + "." + key, "must be a string");
    return;
  }
  out = n.Scalar();
}

template <class Int>
void integer(const YAML::Node& map, const std::string& path, const char* key, Int& out,
             long long min, long long max, const ConfigFail& fail) {
  const YAML::Node n = map[key];
  if (!n.IsDefined()) return;
  long long v = 0;
  if (!n.IsScalar() || !YAML::convert<long long>::decode(n, v) || v < min || v > max) {
    fail(n, path + "." + key,
         "must be an integer between " + std::to_string(min) + " and " + std::to_string(max));
    return;
  }
  out = static_cast<Int>(v);
}

void read_egress(const YAML::Node& node, services::EgressPolicy& out, const ConfigFail& fail) {
  if (!node.IsDefined()) return;
  if (!node.IsMap()) {
    fail(node, "http.egress", "must be a mapping (allow, https_only)");
    return;
  }
  only_config_keys(node, "http.egress", {"allow", "https_only"}, fail);
  bool https_only = true;
  if (const YAML::Node h = node["https_only"]; h.IsDefined()) {
    if (!h.IsScalar() || !YAML::convert<bool>::decode(h, https_only))
      fail(h, "http.egress.https_only", "must be true or false");
  }
  std::vector<std::string> allow;
  if (const YAML::Node list = node["allow"]; list.IsDefined()) {
    if (!list.IsSequence()) {
      fail(list, "http.egress.allow", "must be a list of host names and CIDRs");
    } else {
      for (const auto& item : list) {
        // Each entry on its own, so an error points at its line.
        auto one =
            item.IsScalar()
                ? services::EgressPolicy::parse({item.Scalar()}, https_only)
                : Result<services::EgressPolicy>(make_error("egress", "an entry must be a string"));
        if (!one) {
          fail(item, "http.egress.allow", one.error().message);
          continue;
        }
        allow.push_back(item.Scalar());
      }
    }
  }
  if (auto policy = services::EgressPolicy::parse(allow, https_only)) out = std::move(*policy);
}

}  // namespace

void read_http_config(const YAML::Node& node, const std::string& base_dir, HttpSettings& out,
                      const ConfigFail& fail) {
  // Defaults: https only, nothing allowed.
  out.client.egress = *services::EgressPolicy::parse({}, true);
  if (!node.IsDefined()) return;
  if (!node.IsMap()) {
    fail(node, "http", "must be a mapping");
    return;
  }
  only_config_keys(node, "http",
                   {"egress", "ca_file", "client_cert", "client_key", "proxy", "timeout_ms",
                    "max_response_bytes", "max_redirects", "max_connections", "post_call", "app_secrets"},
                   fail);
  read_egress(node["egress"], out.client.egress, fail);
  text(node, "http", "ca_file", out.client.ca_file, fail);
  text(node, "http", "client_cert", out.client.client_cert, fail);
  text(node, "http", "client_key", out.client.client_key, fail);
  text(node, "http", "proxy", out.client.proxy, fail);
  int timeout_ms = static_cast<int>(out.default_timeout.count());
  integer(node, "http", "timeout_ms", timeout_ms, 100, 120000, fail);
  out.default_timeout = std::chrono::milliseconds(timeout_ms);
  integer(node, "http", "max_response_bytes", out.max_response_bytes, 1024, 64LL << 20, fail);
  integer(node, "http", "max_redirects", out.max_redirects, 0, 10, fail);
  out.client.max_redirects_cap = std::max(out.max_redirects, 0);
  integer(node, "http", "max_connections", out.client.max_connections, 1, 65536, fail);
  if (out.client.client_cert.empty() != out.client.client_key.empty())
    fail(node, "http", "set both client_cert and client_key, or neither");
  if (const YAML::Node pc = node["post_call"]; pc.IsDefined()) {
    if (!pc.IsMap()) {
      fail(pc, "http.post_call", "must be a mapping");
    } else {
      only_config_keys(pc, "http.post_call",
                       {"retry_initial_ms", "retry_max_ms", "give_up_after_s", "max_in_flight"},
                       fail);
      auto& q = out.post_call;
      long long initial = q.backoff.initial.count(), max = q.backoff.max.count();
      long long give_up = q.give_up_after.count();
      integer(pc, "http.post_call", "retry_initial_ms", initial, 10, 3600000, fail);
      integer(pc, "http.post_call", "retry_max_ms", max, 10, 86400000, fail);
      integer(pc, "http.post_call", "give_up_after_s", give_up, 1, 30LL * 86400, fail);
      integer(pc, "http.post_call", "max_in_flight", q.max_in_flight, 1, 1000, fail);
      if (max < initial) fail(pc, "http.post_call", "retry_max_ms must be >= retry_initial_ms");
      q.backoff.initial = std::chrono::milliseconds(initial);
      q.backoff.max = std::chrono::milliseconds(max);
      q.give_up_after = std::chrono::seconds(give_up);
    }
  }
  if (const YAML::Node list = node["app_secrets"]; list.IsDefined()) {
    if (!list.IsSequence()) {
      fail(list, "http.app_secrets", "must be a list of env:NAME and file:PATH references");
    } else {
      for (const auto& item : list) {
        const std::string ref = item.IsScalar() ? item.Scalar() : std::string();
        if (ref.rfind("env:", 0) == 0 && ref.size() > 4) {
          out.app_secrets[ref] = ref;
        } else if (ref.rfind("file:", 0) == 0 && ref.size() > 5) {
          out.app_secrets[ref] = "file:" + resolve_config_path(base_dir, ref.substr(5));
        } else {
          fail(item, "http.app_secrets", "each entry must be env:NAME or file:PATH");
        }
      }
    }
  }
  out.client.ca_file = resolve_config_path(base_dir, out.client.ca_file);
  out.client.client_cert = resolve_config_path(base_dir, out.client.client_cert);
  out.client.client_key = resolve_config_path(base_dir, out.client.client_key);
  for (const std::string* file :
       {&out.client.ca_file, &out.client.client_cert, &out.client.client_key}) {
    if (!file->empty() && !std::filesystem::exists(*file))
      fail(node, "http", "file not found: " + *file);
  }
}

}  // namespace keyline::server
