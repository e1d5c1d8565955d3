// The API without its transport: Request in, Response out. It authenticates,
// rate-limits per key, checks the route's role, and runs the handler. The
// HTTPS server (http_server.h) and the unit tests both drive handle().
// Thread-safe: handlers touch only the repositories (which serialise on the
// database) and the rate limiter (which has its own lock).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/authenticator.h"
#include "api/http_types.h"
#include "api/json.h"
#include "api/key_hasher.h"
#include "api/problem.h"
#include "api/rate_limiter.h"
#include "api/router.h"
#include "store/call_log_store.h"
#include "store/outbound_repository.h"
#include "store/recordings.h"
#include "store/reports.h"
#include "store/repositories.h"
#include "store/teams.h"
#include "store/trunks.h"

namespace keyline::api {

struct ApiDependencies {
  store::AppRepository* apps = nullptr;
  store::DeploymentRepository* deployments = nullptr;
  store::UserRepository* users = nullptr;
  store::AuditLog* audit = nullptr;
  store::CallLogStore* calls = nullptr;
  // Trunks and reports (admin routes); null: those routes answer 501.
  store::TrunkRepository* trunks = nullptr;
  store::ReportRepository* reports = nullptr;
  const KeyHasher* hasher = nullptr;
  // Prometheus text for the server's own figures (calls, SIP); may be empty.
  std::function<std::string()> server_metrics;
  double rate_per_second = 50;
  double burst = 100;
  std::function<std::int64_t()> wall_ms;  // defaults to the system clock
  std::function<std::chrono::steady_clock::time_point()> steady_now;
  // Called after a write that can change how calls are routed (a deployment, or an app a
  // deployment may follow); the server reloads its routing table. May be empty.
  std::function<void()> routing_changed;
  // Runs its argument in one database transaction (POST /v1/import: all or
  // nothing). Empty: the import answers 501.
  std::function<Status(const std::function<Status()>&)> transaction;
  // The outbound call queue (outbound_routes.cc). Null: those routes are not offered.
  store::OutboundRepository* outbound = nullptr;
  // ---- Teams and sharing (issue 9; access.h) ----
  // Null: no team routes, and every app and deployment is visible to every role.
  store::TeamRepository* teams = nullptr;
  // ---- Recordings metadata (issue 9; recording branch; recording_routes.cc) ----
  // Null: the /v1/recordings routes are not offered.
  store::RecordingRepository* recordings = nullptr;
};

class ApiService {
 public:
  explicit ApiService(ApiDependencies deps);

  Response handle(Request& request);
  std::vector<Router::RouteInfo> routes() const { return router_.routes(); }

  using Handler = std::function<Response(Request&, const Principal&)>;
  // `needed` empty: no credentials asked (health only).
  void add_route(std::string method, std::string pattern, std::optional<store::Role> needed,
                 Handler handler);

  // For handlers.
  const ApiDependencies& deps() const { return deps_; }
  std::int64_t now_ms() const { return deps_.wall_ms(); }
  // Records a write; a failing audit write is reported in the response header
  // X-Audit-Error by the caller, never silently dropped.
  Status audit(const Principal& who, std::string action, std::string target,
               std::string detail = {});
  std::string request_metrics() const;
  void routing_changed() const {
    if (deps_.routing_changed) deps_.routing_changed();
  }

 private:
  ApiDependencies deps_;
  Router router_;
  Authenticator authenticator_;
  RateLimiter limiter_;
  // Failed authentications per client address: 10 at once, then one per 5 s,
  // so keys cannot be guessed at speed (429 before any lookup when empty).
  RateLimiter auth_failures_{0.2, 10};
  mutable std::mutex counters_mutex_;
  std::map<int, std::uint64_t> responses_by_status_;
};

// Route groups, one file each.
void add_app_routes(ApiService& api);
void add_deployment_routes(ApiService& api);
void add_call_routes(ApiService& api);
void add_system_routes(ApiService& api);
void add_privacy_routes(ApiService& api);    // the memory scan (privacy_routes.cc)
void add_export_routes(ApiService& api);     // GET /v1/export, POST /v1/import
void add_admin_routes(ApiService& api);      // app tools, trunks, reports (admin_routes.h)
void add_outbound_routes(ApiService& api);   // queue, status, cancel (outbound_routes.cc)
void add_team_routes(ApiService& api);       // teams, members, shares (team_routes.cc)
void add_recording_routes(ApiService& api);  // /v1/recordings (recording_routes.cc)
// ---- storage branch (issue 9) ----
void add_app_prompt_routes(ApiService& api);  // /v1/apps/{name}/prompts (app_prompt_routes.cc)
void add_key_routes(ApiService& api);         // GET /v1/keys, DELETE /v1/keys/{id} (key_routes.cc)

// Helpers shared by the handlers.
Response json_response(int status, const Json& body);
Response store_failure(const Error& error);
// The body as a JSON object, or the 400/415 problem to answer with.
Result<Json> parse_body_object(const Request& request, Response& problem_out);
// An ISO 8601 UTC time ("2026-12-05T06:29:40.123Z") for a unix time in ms.
std::string iso_time(std::int64_t unix_ms);
// Parses the same format (fraction optional, 'Z' required) or plain unix ms.
std::optional<std::int64_t> parse_time(std::string_view text);

// Query parameters the list routes share. Each leaves `out` alone when the parameter is absent
// and adds a problem for a bad value: a time in parse_time()'s formats, and a page size of
// 1-1000.
void read_time_query(const Request& req, const char* name, std::int64_t& out,
                     std::vector<ProblemItem>& errors);
void read_limit_query(const Request& req, int& out, std::vector<ProblemItem>& errors);

}  // namespace keyline::api
