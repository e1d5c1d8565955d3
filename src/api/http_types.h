// A request and response as the API's handlers see them: plain values, no
// libmicrohttpd types, so the whole API is testable without a socket.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace keyline::api {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // without the query string
  std::map<std::string, std::string> query;
  std::string authorization;  // the Authorization header, empty when absent
  std::string content_type;
  std::string body;
  std::string peer;                           // the client's IP address; empty when unknown
  std::map<std::string, std::string> params;  // path parameters filled by the router

  std::optional<std::string> query_value(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) return std::nullopt;
    return it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

}  // namespace keyline::api
