// The REST module's request and the host's answer. Plain data: flow never includes an HTTP
// library; the host (the server's call session, the scenario runner, a test) performs the
// request and reports back through Interpreter::on_web_response().
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace keyline::flow {

// ---- OAuth2 client credentials (issue 7) ----
// `auth: {type: oauth2, ...}` of a REST or SOAP module or the post-call web service: the host
// fetches (and caches) a token from token_url and sends it as "Authorization: Bearer".
struct OAuth2Settings {
  std::string token_url;      // https:// only
  std::string client_id;
  std::string client_secret;  // a reference the host resolves: "env:NAME" or "file:PATH"
  std::string scope;          // may be empty
};

// ---- S3-compatible upload (issue 7; recording branch) ----
// `auth: {type: aws_sigv4, ...}` of settings.post_call.recording: the host signs the upload with
// AWS Signature Version 4. Both keys are references the host resolves ("env:NAME" or
// "file:PATH", listed in its http.app_secrets), never the keys themselves.
struct AwsSigV4Settings {
  std::string region;             // "eu-west-1"
  std::string service = "s3";     // the signing service name
  std::string access_key_id;      // a reference
  std::string secret_access_key;  // a reference
};

struct WebRequest {
  std::string method;  // GET, POST, PUT, PATCH, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::chrono::milliseconds timeout{0};  // 0: the host's default
  // A private value is in the URL, a header or the body: the host must use https only and
  // must never log the request.
  bool carries_private = false;
  std::string module;  // the REST module's name, for the host's log lines
  std::optional<OAuth2Settings> oauth2;  // set: the host adds a bearer token
  // Set: the host signs the request (AWS Signature V4).
  std::optional<AwsSigV4Settings> aws_sigv4;
};

struct WebResponse {
  enum class Outcome { kResponse, kTimeout, kError };
  Outcome outcome = Outcome::kResponse;
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // kError/kTimeout: what went wrong, with no value in it ("egress_denied: host ... is not on
  // the egress allow-list").
  std::string error;
};

// Overwrites what a request or a response holds (they may carry private values).
void wipe(WebRequest& request);
void wipe(WebResponse& response);

}  // namespace keyline::flow
