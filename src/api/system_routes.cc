// Health, metrics and the audit log.
#include "api/api_service.h"
#include "api/problem.h"
#include "base/strings.h"

namespace keyline::api {

void add_system_routes(ApiService& api) {
  // Liveness and readiness in one: the process answers, and the database too.
  api.add_route("GET", "/v1/health", std::nullopt, [&api](Request&, const Principal&) {
    bool db_ok = static_cast<bool>(api.deps().calls->query(store::CallQuery{0, 1, {}, {}, {}, 1}));
    Json body;
    body.set("status", db_ok ? "ok" : "degraded");
    body.set("database", db_ok ? "ok" : "unavailable");
    return json_response(db_ok ? 200 : 503, body);
  });

  api.add_route("GET", "/metrics", store::Role::kViewer, [&api](Request&, const Principal&) {
    Response r;
    r.content_type = "text/plain; version=0.0.4";
    if (api.deps().server_metrics) r.body = api.deps().server_metrics();
    r.body += api.request_metrics();
    return r;
  });

  api.add_route("GET", "/v1/audit", store::Role::kAdmin, [&api](Request& req, const Principal&) {
    int limit = 100;
    if (auto l = req.query_value("limit")) {
      auto parsed = parse_int<int>(*l);
      if (!parsed || *parsed < 1 || *parsed > 1000)
        return problem(400, "invalid-parameter", "Invalid parameter",
                       "limit must be an integer from 1 to 1000", {{"limit", "must be 1..1000"}});
      limit = static_cast<int>(*parsed);
    }
    auto entries = api.deps().audit->recent(limit);
    if (!entries) return store_failure(entries.error());
    Json::Array list;
    for (const auto& e : *entries) {
      Json item;
      item.set("id", e.id);
      item.set("at", iso_time(e.at_unix_ms));
      item.set("actor", e.actor);
      item.set("action", e.action);
      item.set("target", e.target);
      item.set("detail", e.detail);
      list.push_back(std::move(item));
    }
    Json body;
    body.set("entries", std::move(list));
    return json_response(200, body);
  });
}

}  // namespace keyline::api
