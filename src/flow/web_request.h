// The REST module's request and the host's answer. Plain data: flow never includes an HTTP
// library; the host (the server's call session, the scenario runner, a test) performs the
// request and reports back through Interpreter::on_web_response().
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace keyline::flow {

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
