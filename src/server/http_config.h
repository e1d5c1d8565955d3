// The `http:` section of the server config: how call flows reach web services (REST module) —
// the egress allow-list, TLS trust, a proxy, and request defaults (docs/configuration.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstddef>
#include <string>
#include <map>
#include <vector>

#include "server/privacy_config.h"
#include "services/http_types.h"
#include "services/retry_backoff.h"

namespace keyline::server {

// ---- Post-call web service (issue 7) ----
// `http.post_call`: how the durable queue retries the apps' post-call requests.
struct PostCallQueueSettings {
  services::BackoffSettings backoff;                 // retry_initial_ms, retry_max_ms
  std::chrono::seconds give_up_after{24 * 3600};     // a request this old is dropped
  std::size_t max_in_flight = 16;                    // requests out at once
};

struct HttpSettings {
  services::HttpClientConfig client;                 // egress policy, CA file, client cert, proxy
  std::chrono::milliseconds default_timeout{10000};  // for REST modules that set none
  std::size_t max_response_bytes = 1 << 20;
  int max_redirects = 0;  // redirects are not followed unless the operator allows them
  PostCallQueueSettings post_call;  // `http.post_call`
  // ---- OAuth2 client credentials (issue 7) ----
  // `http.app_secrets`: the secret references ("env:NAME", "file:PATH") an app's
  // `auth: {type: oauth2, client_secret: ...}` may name. Others are refused, so an app builder
  // cannot make the server read (and send) any file or variable it can reach.
  // Maps the reference as apps write it to where it is read ("env:NAME", or "file:" and the
  // path resolved against the config's folder).
  std::map<std::string, std::string> app_secrets;
};

// Reads `node` (a mapping, or undefined for the defaults: nothing allowed) into `out`.
// Relative file paths resolve against base_dir.
void read_http_config(const YAML::Node& node, const std::string& base_dir, HttpSettings& out,
                      const ConfigFail& fail);

}  // namespace keyline::server
