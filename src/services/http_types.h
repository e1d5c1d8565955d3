// What the HTTP client is asked and what it answers. Plain structs, no libcurl: callers (the
// server's call sessions, tests, benchmarks) see these and never curl's headers.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/egress_policy.h"

namespace keyline::services {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, PATCH, DELETE, HEAD
  std::string url;
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds timeout{10000};  // the whole exchange, redirects included
  std::size_t max_response_bytes = 1 << 20;  // a larger body fails with kTooLarge
  int max_redirects = 0;                     // 0: a 3xx is returned as it is
  // Refuse plain http for this request (a secure app, or a body/URL holding a private value).
  bool https_only = false;
  // The request carries a private value: its URL is never logged, not even redacted.
  bool carries_private = false;
  // AWS Signature Version 4 (an S3-compatible upload): libcurl signs the request with these
  // (CURLOPT_AWS_SIGV4). The keys are the resolved secrets, wiped with the request.
  struct AwsSigV4 {
    std::string region;
    std::string service;
    std::string access_key_id;
    std::string secret_access_key;
  };
  std::optional<AwsSigV4> aws_sigv4;
};

enum class HttpError {
  kNone,
  kTimeout,
  kTls,           // handshake failed or the certificate did not verify
  kConnect,       // refused, unreachable
  kDns,           // the name did not resolve
  kTooLarge,      // the response body went over max_response_bytes
  kEgressDenied,  // the policy refused the host, the address or plain http
  kBadUrl,        // not an http(s) URL
  kProtocol,      // not HTTP, malformed response, too many redirects
  kCancelled,
  kOther,
};

std::string_view http_error_name(HttpError error);  // "timeout", "tls", "egress_denied", ...

struct HttpResponse {
  HttpError error = HttpError::kNone;
  // For an error: what went wrong, already redacted and without the URL's path or query.
  std::string error_message;
  int status = 0;       // 0 when no response arrived
  HttpHeaders headers;  // names as the server sent them, of the final response
  std::string body;
  int redirects = 0;
  std::chrono::microseconds elapsed{0};

  bool ok() const { return error == HttpError::kNone; }
};

// Settings shared by every request of one client (the server's `http:` section).
struct HttpClientConfig {
  EgressPolicy egress;      // allows nothing unless configured
  std::string ca_file;      // PEM bundle to verify servers with; empty: the system store
  std::string client_cert;  // PEM certificate for mutual TLS (optional)
  std::string client_key;   // its PEM key
  std::string proxy;        // "http://proxy:3128" (optional)
  std::string user_agent = "Keyline";
  int max_redirects_cap = 5;         // no request may follow more
  std::size_t max_connections = 64;  // open at once, across hosts
};

}  // namespace keyline::services
