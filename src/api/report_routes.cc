// Reports over the call logs: GET /v1/reports/calls (per hour or day: calls, answered, duration
// average and percentiles, dispositions, transfer rate) and GET /v1/reports/modules (per module:
// visits, noinput and nomatch exits). Only counts, times, module names and exit-reason classes
// are reported: never what a caller entered.
#include "api/admin_routes.h"
#include "api/call_access.h"
#include "api/problem.h"
#include "api/route_helpers.h"
#include "store/reports.h"

namespace keyline::api {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
// A report reads one row per call; past this the client is asked to narrow the range rather
// than the server holding an unbounded result.
constexpr std::int64_t kMaxCalls = 2'000'000;
constexpr std::int64_t kMaxBuckets = 20'000;

// from/to (default: the 24 hours before now), app, deployment. False: `bad` holds the answer.
bool read_filter(ApiService& api, const Request& req, store::ReportFilter& f, Response& bad) {
  std::vector<ProblemItem> errors;
  const std::int64_t now = api.now_ms();
  f.to_unix_ms = now;
  f.from_unix_ms = now - kDayMs;
  for (const auto& [key, value] : req.query) {
    if (key == "from" || key == "to") {
      auto t = parse_time(value);
      if (!t)
        errors.push_back({key, "must be an ISO 8601 UTC time or unix milliseconds"});
      else
        (key == "from" ? f.from_unix_ms : f.to_unix_ms) = *t;
    } else if (key == "app" || key == "deployment") {
      if (!valid_name(value))
        errors.push_back({key, "must be 1-64 letters, digits, '_' or '-'"});
      else
        (key == "app" ? f.app : f.deployment) = value;
    } else if (key != "bucket") {
      errors.push_back({key, "unknown parameter"});
    }
  }
  if (errors.empty() && f.from_unix_ms >= f.to_unix_ms)
    errors.push_back({"from", "must be before to"});
  if (errors.empty()) return true;
  bad = problem(400, "invalid-parameter", "Invalid parameters", "see errors", errors);
  return false;
}

Json figures_json(const store::CallBucket& b) {
  Json j;
  j.set("calls", b.calls);
  j.set("answered", b.answered);
  j.set("transferred", b.transferred);
  j.set("transfer_rate",
        b.calls ? static_cast<double>(b.transferred) / static_cast<double>(b.calls) : 0.0);
  Json duration;
  duration.set("average", b.average_ms);
  duration.set("p50", b.p50_ms);
  duration.set("p90", b.p90_ms);
  duration.set("p99", b.p99_ms);
  j.set("duration_ms", std::move(duration));
  Json dispositions = Json(Json::Object{});
  for (const auto& [name, count] : b.dispositions) dispositions.set(name, count);
  j.set("dispositions", std::move(dispositions));
  return j;
}

Json filter_json(const store::ReportFilter& f) {
  Json j;
  j.set("from", iso_time(f.from_unix_ms));
  j.set("to", iso_time(f.to_unix_ms));
  j.set("app", f.app.empty() ? Json() : Json(f.app));
  j.set("deployment", f.deployment.empty() ? Json() : Json(f.deployment));
  return j;
}

Response unavailable() {
  return problem(501, "not-implemented", "Not implemented", "this server keeps no reports");
}

// Reports count only the calls the caller may read (call_access.h).
bool restrict_to_readable(ApiService& api, const Principal& who, store::ReportFilter& f,
                          Response& bad) {
  auto readable = readable_call_deployments(api, who);
  if (!readable) {
    bad = store_failure(readable.error());
    return false;
  }
  f.deployments = std::move(*readable);
  return true;
}

Response calls_report(ApiService& api, Request& req, const Principal& who) {
  if (!api.deps().reports) return unavailable();
  const std::string bucket = req.query_value("bucket").value_or("day");
  if (bucket != "hour" && bucket != "day")
    return problem(400, "invalid-parameter", "Invalid parameters", "bucket is hour or day");
  store::ReportFilter f;
  Response bad;
  if (!read_filter(api, req, f, bad)) return bad;
  if (!restrict_to_readable(api, who, f, bad)) return bad;
  const std::int64_t size = bucket == "hour" ? kHourMs : kDayMs;
  if ((f.to_unix_ms - f.from_unix_ms) / size > kMaxBuckets)
    return problem(400, "invalid-parameter", "Invalid parameters",
                   "the range holds more than " + std::to_string(kMaxBuckets) + " buckets");
  auto samples = api.deps().reports->call_samples(f, kMaxCalls);
  if (!samples && samples.error().kind == "too-large")
    return problem(422, "report-too-large", "Report too large",
                   "more than " + std::to_string(kMaxCalls) + " calls: narrow the range");
  if (!samples) return store_failure(samples.error());
  Json::Array buckets;
  for (const auto& b : store::bucket_calls(*samples, size)) {
    Json j = figures_json(b);
    j.set("start", iso_time(b.start_unix_ms));
    buckets.push_back(std::move(j));
  }
  Json body = filter_json(f);
  body.set("bucket", bucket);
  body.set("total", figures_json(store::summarize_calls(*samples)));
  body.set("buckets", std::move(buckets));
  return json_response(200, body);
}

Response modules_report(ApiService& api, Request& req, const Principal& who) {
  if (!api.deps().reports) return unavailable();
  store::ReportFilter f;
  Response bad;
  if (req.query.count("bucket"))
    return problem(400, "invalid-parameter", "Invalid parameters", "bucket: unknown parameter");
  if (!read_filter(api, req, f, bad)) return bad;
  if (!restrict_to_readable(api, who, f, bad)) return bad;
  auto counts = api.deps().reports->module_counts(f);
  if (!counts) return store_failure(counts.error());
  Json::Array modules;
  for (const auto& m : *counts) {
    Json j;
    j.set("page", m.page);
    j.set("module", m.module);
    j.set("type", m.type);
    j.set("visits", m.visits);
    j.set("noinput", m.noinput);
    j.set("nomatch", m.nomatch);
    modules.push_back(std::move(j));
  }
  Json body = filter_json(f);
  body.set("modules", std::move(modules));
  return json_response(200, body);
}

}  // namespace

void add_report_routes(ApiService& api) {
  api.add_route("GET", "/v1/reports/calls", store::Role::kViewer,
                [&api](Request& req, const Principal& who) { return calls_report(api, req, who); });
  api.add_route(
      "GET", "/v1/reports/modules", store::Role::kViewer,
      [&api](Request& req, const Principal& who) { return modules_report(api, req, who); });
}

void add_admin_routes(ApiService& api) {
  add_app_tool_routes(api);
  add_trunk_routes(api);
  add_report_routes(api);
}

}  // namespace keyline::api
