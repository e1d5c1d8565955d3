// Asking the running server to search its own memory: each form is masked with
// a fresh random key here, so neither the request on the wire nor anything the
// server parses holds a value in clear.
#include <chrono>

#include "api/json.h"
#include "base/base64.h"
#include "base/secure_random.h"
#include "base/secure_wipe.h"
#include "io/event_loop.h"
#include "server/verify_privacy.h"
#include "services/http_client.h"

namespace keyline::server {
namespace {

// "https://HOST:PORT/..." -> HOST (brackets kept off an IPv6 literal).
std::string host_of(std::string_view url) {
  constexpr std::string_view scheme = "https://";
  if (url.substr(0, scheme.size()) != scheme) return {};
  url.remove_prefix(scheme.size());
  if (!url.empty() && url[0] == '[') {
    auto close = url.find(']');
    return close == std::string_view::npos ? std::string{} : std::string(url.substr(1, close - 1));
  }
  return std::string(url.substr(0, url.find_first_of(":/")));
}

std::uint64_t count_of(const api::Json* j) {
  if (!j) return 0;
  auto n = j->as_integer();
  return n && *n > 0 ? static_cast<std::uint64_t>(*n) : 0;
}

}  // namespace

Result<MemoryScanAnswer> scan_server_memory(const ApiTarget& api,
                                            const std::vector<ProbeForm>& forms,
                                            std::int64_t time_limit_ms) {
  const std::string host = host_of(api.url);
  if (host.empty()) return make_error("usage", "--api must be an https:// URL");
  api::Json::Array probes;
  for (const auto& f : forms) {
    if (!f.in_memory) continue;
    std::vector<std::uint8_t> key(f.bytes.size()), masked(f.bytes.size());
    if (auto st = fill_secure_random(key); !st) return st.error();
    for (std::size_t i = 0; i < f.bytes.size(); ++i)
      masked[i] = static_cast<std::uint8_t>(f.bytes[i]) ^ key[i];
    api::Json probe;
    probe.set("label", f.label);
    probe.set("masked", base64_encode(masked));
    probe.set("key", base64_encode(key));
    probe.set("boundary", f.boundary == privacy::DigitBoundary::kAscii   ? "ascii"
                          : f.boundary == privacy::DigitBoundary::kUtf16 ? "utf16"
                                                                         : "none");
    probes.push_back(std::move(probe));
    secure_wipe(key);
    secure_wipe(masked);
  }
  if (probes.empty()) return make_error("usage", "no value to search memory for");
  api::Json body;
  body.set("probes", std::move(probes));
  body.set("time_limit_ms", time_limit_ms);

  auto loop = io::EventLoop::create();
  if (!loop) return loop.error();
  services::HttpClientConfig config;
  auto policy = services::EgressPolicy::parse({host}, true);
  if (!policy) return policy.error();
  config.egress = std::move(*policy);
  config.ca_file = api.ca_file;
  config.user_agent = "keyline verify-privacy";
  auto client = services::HttpClient::create(**loop, std::move(config), nullptr);
  if (!client) return client.error();

  services::HttpRequest request;
  request.method = "POST";
  request.url = api.url + "/v1/privacy/memory-scan";
  request.headers = {{"Authorization", "Bearer " + api.key}, {"Content-Type", "application/json"}};
  request.body = body.dump();
  request.https_only = true;
  // The server's own limit plus time to read the answer.
  request.timeout = std::chrono::milliseconds(time_limit_ms + 30000);
  services::HttpResponse response;
  (*client)->start(std::move(request), [&](services::HttpResponse r) {
    response = std::move(r);
    (*loop)->stop();
  });
  (*loop)->run();
  client->reset();

  if (!response.ok())
    return make_error("http", "memory scan request failed: " +
                                  std::string(services::http_error_name(response.error)) + " " +
                                  response.error_message);
  auto doc = api::parse_json(response.body);
  if (response.status != 200) {
    std::string detail;
    if (doc && doc->find("detail") && doc->find("detail")->is_string())
      detail = ": " + doc->find("detail")->as_string();
    return make_error("http",
                      "memory scan answered HTTP " + std::to_string(response.status) + detail);
  }
  if (!doc || !doc->is_object() || !doc->find("results") || !doc->find("results")->is_array())
    return make_error("http", "memory scan answer is not the expected JSON");
  MemoryScanAnswer out;
  for (const auto& item : doc->find("results")->as_array()) {
    const api::Json* label = item.find("label");
    out.hits.emplace_back(label && label->is_string() ? label->as_string() : "?",
                          count_of(item.find("hits")));
  }
  out.total_hits = count_of(doc->find("total_hits"));
  out.bytes_scanned = count_of(doc->find("bytes_scanned"));
  out.regions = count_of(doc->find("regions"));
  out.elapsed_ms = static_cast<std::int64_t>(count_of(doc->find("elapsed_ms")));
  const api::Json* complete = doc->find("complete");
  out.complete = complete && complete->is_bool() && complete->as_bool();
  return out;
}

}  // namespace keyline::server
