#include "api/router.h"

#include "api/problem.h"

namespace keyline::api {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::vector<std::string>> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    std::string segment;
    while (i < path.size() && path[i] != '/') {
      char c = path[i];
      if (c == '%') {
        if (i + 2 >= path.size()) return std::nullopt;
        int hi = hex_value(path[i + 1]), lo = hex_value(path[i + 2]);
        if (hi < 0 || lo < 0) return std::nullopt;
        char decoded = static_cast<char>(hi * 16 + lo);
        if (decoded == '/' || decoded == '\0') return std::nullopt;
        segment += decoded;
        i += 3;
      } else {
        segment += c;
        ++i;
      }
    }
    out.push_back(std::move(segment));
  }
  return out;
}

void Router::add(std::string method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back(Route{std::move(method), std::move(pattern),
                          segments.value_or(std::vector<std::string>{}), std::move(handler)});
}

bool Router::match(const Route& route, const std::vector<std::string>& path,
                   std::map<std::string, std::string>& params) {
  if (route.segments.size() != path.size()) return false;
  std::map<std::string, std::string> found;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto& want = route.segments[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      if (path[i].empty()) return false;
      found[want.substr(1, want.size() - 2)] = path[i];
    } else if (want != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

Response Router::dispatch(Request& request) const {
  auto path = split_path(request.path);
  if (!path) return problem(400, "bad-path", "Bad request path", "the path has a bad escape");
  std::string allowed;
  for (const auto& route : routes_) {
    std::map<std::string, std::string> params;
    if (!match(route, *path, params)) continue;
    if (route.method == request.method) {
      request.params = std::move(params);
      return route.handler(request);
    }
    allowed += (allowed.empty() ? "" : ", ") + route.method;
  }
  if (!allowed.empty()) {
    auto r = problem(405, "method-not-allowed", "Method not allowed",
                     request.method + " is not allowed here");
    r.headers.emplace_back("Allow", allowed);
    return r;
  }
  return problem(404, "not-found", "Not found", "no such resource");
}

std::vector<Router::RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (const auto& r : routes_) out.push_back({r.method, r.pattern});
  return out;
}

}  // namespace keyline::api
