// Routes "METHOD /v1/apps/{name}" to handlers. A pattern segment in braces
// matches one non-empty path segment and lands in Request::params. A path
// that matches with another method answers 405 with Allow; no match, 404.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "api/http_types.h"

namespace keyline::api {

class Router {
 public:
  using Handler = std::function<Response(Request&)>;

  void add(std::string method, std::string pattern, Handler handler);
  Response dispatch(Request& request) const;

  struct RouteInfo {
    std::string method;
    std::string pattern;
  };
  std::vector<RouteInfo> routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  static bool match(const Route& route, const std::vector<std::string>& path,
                    std::map<std::string, std::string>& params);

  std::vector<Route> routes_;
};

// Splits "/a/b/" into {"a", "b"}, percent-decoding each segment. Fails (nullopt)
// on a bad escape or an encoded '/' or NUL.
std::optional<std::vector<std::string>> split_path(std::string_view path);

}  // namespace keyline::api
