// The `http:` section of the server config: how call flows reach web services (REST module) —
// the egress allow-list, TLS trust, a proxy, and request defaults (docs/configuration.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <string>

#include "server/privacy_config.h"
#include "services/http_types.h"

namespace keyline::server {

struct HttpSettings {
  services::HttpClientConfig client;                 // egress policy, CA file, client cert, proxy
  std::chrono::milliseconds default_timeout{10000};  // for REST modules that set none
  std::size_t max_response_bytes = 1 << 20;
  int max_redirects = 0;  // redirects are not followed unless the operator allows them
};

// Reads `node` (a mapping, or undefined for the defaults: nothing allowed) into `out`.
// Relative file paths resolve against base_dir.
void read_http_config(const YAML::Node& node, const std::string& base_dir, HttpSettings& out,
                      const ConfigFail& fail);

}  // namespace keyline::server
