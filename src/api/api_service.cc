#include "api/api_service.h"

#include <cstdio>
#include <ctime>

#include "api/json.h"
#include "api/problem.h"
#include "base/strings.h"

namespace keyline::api {

Response json_response(int status, const Json& body) {
  Response r;
  r.status = status;
  r.body = body.dump();
  return r;
}

Response store_failure(const Error& error) {
  // The message may name tables or SQL; clients get a generic detail.
  (void)error;
  return problem(500, "storage-error", "Storage error",
                 "the database could not complete the request");
}

Result<Json> parse_body_object(const Request& request, Response& problem_out) {
  if (!request.content_type.empty() && request.content_type.rfind("application/json", 0) != 0) {
    problem_out = problem(415, "unsupported-media-type", "Unsupported media type",
                          "send the body as application/json");
    return make_error("request", "media type");
  }
  auto doc = parse_json(request.body);
  if (!doc) {
    problem_out = problem(400, "invalid-json", "Body is not valid JSON", doc.error().message);
    return doc.error();
  }
  if (!doc->is_object()) {
    problem_out = problem(400, "invalid-json", "Body is not a JSON object", "expected {...}");
    return make_error("request", "not an object");
  }
  return doc;
}

std::string iso_time(std::int64_t unix_ms) {
  std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

void read_time_query(const Request& req, const char* name, std::int64_t& out,
                     std::vector<ProblemItem>& errors) {
  auto v = req.query_value(name);
  if (!v) return;
  if (auto t = parse_time(*v))
    out = *t;
  else
    errors.push_back({name, "must be an ISO 8601 UTC time (…Z) or unix milliseconds"});
}

void read_limit_query(const Request& req, int& out, std::vector<ProblemItem>& errors) {
  auto v = req.query_value("limit");
  if (!v) return;
  auto n = parse_int<int>(*v);
  if (!n || *n < 1 || *n > 1000)
    errors.push_back({"limit", "must be an integer from 1 to 1000"});
  else
    out = *n;
}

std::optional<std::int64_t> parse_time(std::string_view text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos &&
      text.size() <= 15)
    return std::stoll(std::string(text));
  std::tm tm{};
  int ms = 0;
  char tail[8] = {};
  std::string copy(text);
  int n = std::sscanf(copy.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &tm.tm_year, &tm.tm_mon,
                      &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, tail);
  if (n != 7 || copy.size() > 30) return std::nullopt;
  std::string_view rest(tail);
  if (rest.size() == 5 && rest[0] == '.' && rest[4] == 'Z' &&
      rest.substr(1, 3).find_first_not_of("0123456789") == std::string_view::npos) {
    ms = std::stoi(std::string(rest.substr(1, 3)));
  } else if (rest != "Z") {
    return std::nullopt;
  }
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
      tm.tm_min > 59 || tm.tm_sec > 60)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000 + ms;
}

ApiService::ApiService(ApiDependencies deps)
    : deps_(std::move(deps)),
      authenticator_(*deps_.users, *deps_.hasher),
      limiter_(deps_.rate_per_second, deps_.burst) {
  if (!deps_.wall_ms) {
    deps_.wall_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
  if (!deps_.steady_now) deps_.steady_now = [] { return std::chrono::steady_clock::now(); };
  add_system_routes(*this);
  add_app_routes(*this);
  add_deployment_routes(*this);
  add_call_routes(*this);
  add_privacy_routes(*this);
  add_export_routes(*this);
  add_admin_routes(*this);
  add_outbound_routes(*this);
  if (deps_.teams) add_team_routes(*this);
  add_recording_routes(*this);  // recording branch: /v1/recordings
  add_app_prompt_routes(*this);  // storage branch: recorded prompts of stored apps
  add_key_routes(*this);         // storage branch: key revocation
}

void ApiService::add_route(std::string method, std::string pattern,
                           std::optional<store::Role> needed, Handler handler) {
  router_.add(
      std::move(method), std::move(pattern),
      [this, needed, handler = std::move(handler)](Request& request) -> Response {
        if (!needed) return handler(request, Principal{});
        auto now = deps_.steady_now();
        if (!request.peer.empty()) {
          if (auto wait = auth_failures_.peek(request.peer, now)) {
            auto r = problem(429, "rate-limited", "Too many requests",
                             "too many failed authentications from this address");
            r.headers.emplace_back("Retry-After", std::to_string(*wait));
            return r;
          }
        }
        auto who = authenticator_.authenticate(request.authorization);
        if (!who) {
          if (who.error().kind != "unauthenticated") return store_failure(who.error());
          if (!request.peer.empty()) (void)auth_failures_.take(request.peer, now);
          auto r =
              problem(401, "unauthenticated", "Unauthenticated", "missing or invalid credentials");
          r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"keyline\"");
          return r;
        }
        if (auto wait = limiter_.take(who->key_id, now)) {
          auto r = problem(429, "rate-limited", "Too many requests",
                           "this key's request rate is over its limit");
          r.headers.emplace_back("Retry-After", std::to_string(*wait));
          return r;
        }
        if (!role_allows(who->role, *needed))
          return problem(403, "forbidden", "Forbidden",
                         "this needs the " + std::string(store::role_name(*needed)) + " role");
        return handler(request, *who);
      });
}

Response ApiService::handle(Request& request) {
  Response r = router_.dispatch(request);
  std::lock_guard lock(counters_mutex_);
  ++responses_by_status_[r.status];
  return r;
}

Status ApiService::audit(const Principal& who, std::string action, std::string target,
                         std::string detail) {
  return deps_.audit->append(store::AuditEntry{0, now_ms(), who.email, std::move(action),
                                               std::move(target), std::move(detail)});
}

std::string ApiService::request_metrics() const {
  std::string out =
      "# HELP keyline_api_responses_total API responses by HTTP status.\n"
      "# TYPE keyline_api_responses_total counter\n";
  std::lock_guard lock(counters_mutex_);
  for (const auto& [status, count] : responses_by_status_)
    out += "keyline_api_responses_total{status=\"" + std::to_string(status) + "\"} " +
           std::to_string(count) + "\n";
  return out;
}

}  // namespace keyline::api
