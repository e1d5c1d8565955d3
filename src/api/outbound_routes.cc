// Outbound calls (docs/api.md, "Outbound calls"): queue one call or a CSV of them on a stored
// deployment, read a call's status, cancel a deployment's pending calls. Every field is checked
// before anything is written; a bulk queue is all or nothing. The dialer in the server
// (server/outbound_dialer.h) places the calls.
#include <array>
#include <cstdio>

#include "api/access.h"
#include "api/api_service.h"
#include "api/outbound_details.h"
#include "api/problem.h"
#include "api/route_helpers.h"
#include "base/secure_random.h"
#include "outbound/attempts.h"
#include "outbound/bulk_csv.h"
#include "outbound/destination.h"

namespace keyline::api {
namespace {

constexpr std::size_t kMaxParametersBytes = 64 * 1024;
constexpr std::size_t kMaxBulkRows = 10000;

// The schedule and result settings shared by both queue routes.
struct QueueOptions {
  std::int64_t start_unix_ms = 0;
  std::int64_t end_unix_ms = 0;
  int max_attempts = 1;
  int reattempt_wait_s = 300;
  std::string result_url;
  bool secure = false;
};

std::vector<ProblemItem> read_options(const Json& body, std::int64_t now, QueueOptions& o) {
  std::vector<ProblemItem> errors;
  o.start_unix_ms = now;
  auto time_field = [&](const char* name, std::int64_t& out) {
    const Json* v = body.find(name);
    if (!v || v->is_null()) return;
    std::optional<std::int64_t> t;
    if (v->is_string()) t = parse_time(v->as_string());
    if (v->is_number()) t = v->as_integer();
    if (!t || *t < 0)
      errors.push_back({std::string("/") + name, "must be an ISO 8601 UTC time or unix ms"});
    else
      out = *t;
  };
  time_field("start", o.start_unix_ms);
  time_field("end", o.end_unix_ms);
  if (o.end_unix_ms != 0 && (o.end_unix_ms <= o.start_unix_ms || o.end_unix_ms <= now))
    errors.push_back({"/end", "must be after start and in the future"});
  if (const Json* v = body.find("max_attempts")) {
    auto n = v->as_integer();
    if (!v->is_number() || !n || *n < 1 || *n > 10)
      errors.push_back({"/max_attempts", "must be 1-10"});
    else
      o.max_attempts = static_cast<int>(*n);
  }
  if (const Json* v = body.find("reattempt_wait")) {
    auto n = v->is_number() ? v->as_integer() : std::nullopt;
    if (!n || *n < 60 || *n > 86400)
      errors.push_back({"/reattempt_wait", "must be 60-86400 seconds"});
    else
      o.reattempt_wait_s = static_cast<int>(*n);
  } else if (o.max_attempts > 1) {
    errors.push_back({"/reattempt_wait", "required when max_attempts is over 1"});
  }
  if (const Json* v = body.find("result_url")) {
    const bool ok =
        v->is_string() && v->as_string().size() <= 2048 &&
        (v->as_string().rfind("https://", 0) == 0 || v->as_string().rfind("http://", 0) == 0) &&
        v->as_string().find_first_of(" \r\n\t") == std::string::npos;
    if (!ok)
      errors.push_back({"/result_url", "must be an http:// or https:// URL"});
    else
      o.result_url = v->as_string();
  }
  if (const Json* v = body.find("secure")) {
    if (!v->is_bool())
      errors.push_back({"/secure", "must be true or false"});
    else
      o.secure = v->as_bool();
  }
  return errors;
}

std::string new_call_id() {
  std::array<std::uint8_t, 16> bytes{};
  if (!fill_secure_random(bytes)) return {};
  std::string id;
  char hex[3];
  for (auto b : bytes) {
    std::snprintf(hex, sizeof hex, "%02x", b);
    id += hex;
  }
  return id;
}

// A call ready to store, or the reason it cannot be. `parameters` is a JSON object's text.
std::optional<std::string> make_call(const std::string& label, const Principal& who,
                                     const std::string& phone, const std::string& ani,
                                     std::string parameters, const QueueOptions& o,
                                     const store::DeploymentRecord& d, std::int64_t now,
                                     store::OutboundCall& c) {
  auto dest = outbound::parse_destination(phone);
  if (!dest) return dest.error().message;
  if (!ani.empty()) {
    auto with_ani = outbound::parse_destination("0000;ani=" + ani);
    if (!with_ani) return with_ani.error().message;
    dest->ani = with_ani->ani;
  }
  if (parameters.size() > kMaxParametersBytes) return "parameters are over 64 KiB";
  c.id = new_call_id();
  if (c.id.empty()) return "no random id could be made";
  c.deployment = label;
  c.owner = who.email;
  c.phone_number = dest->number;
  c.ani = dest->ani;
  c.postd = dest->postd;
  c.parameters = std::move(parameters);
  c.secure = o.secure || d.secure;
  c.result_url = o.result_url;
  if (c.secure && !c.result_url.empty() && c.result_url.rfind("https://", 0) != 0)
    return "a secure call's result_url must be https://";
  c.max_attempts = o.max_attempts;
  c.reattempt_wait_s = o.reattempt_wait_s;
  c.queued_unix_ms = now;
  c.start_unix_ms = o.start_unix_ms;
  c.end_unix_ms = o.end_unix_ms;
  c.next_attempt_unix_ms = o.start_unix_ms;
  c.events.push_back({"queued", now});
  return std::nullopt;
}

Json links(const store::OutboundCall& c) {
  Json l;
  l.set("self", "/v1/outbound/" + c.id);
  l.set("deployment", "/v1/deployments/" + c.deployment);
  return l;
}

Json queued_json(const store::OutboundCall& c) {
  Json j;
  j.set("call_id", c.id);
  j.set("status", std::string(store::outbound_status_name(c.status)));
  j.set("links", links(c));
  return j;
}

// The stored deployment named in the path, or the problem to answer with. Its queue is as
// private as the deployment (access.h): reading it needs read access, queueing and
// cancelling need write access, and a deployment hidden from the caller is a 404.
std::optional<store::DeploymentRecord> find_deployment(ApiService& api, const std::string& label,
                                                       const Principal& who, Need need,
                                                       Response& out) {
  auto d = api.deps().deployments->get(label);
  if (!d) {
    out = store_failure(d.error());
    return std::nullopt;
  }
  if (!*d) {
    out = problem(404, "not-found", "Not found", "no such deployment");
    return std::nullopt;
  }
  if (auto denied =
          deny(api, who, kDeploymentKind, label, (*d)->owner, need, "no such deployment")) {
    out = std::move(*denied);
    return std::nullopt;
  }
  return **d;
}

Response invalid_outbound_call(std::vector<ProblemItem> errors) {
  return problem(422, "invalid-outbound-call", "The outbound call has errors", "see errors",
                 std::move(errors));
}

Response queue_one(ApiService& api, Request& req, const Principal& who) {
  Response bad;
  auto body = parse_body_object(req, bad);
  if (!body) return bad;
  const std::string label = req.params["label"];
  auto d = find_deployment(api, label, who, Need::kWrite, bad);
  if (!d) return bad;
  const std::int64_t now = api.now_ms();
  QueueOptions o;
  auto errors = read_options(*body, now, o);
  for (const auto& [key, value] : body->as_object()) {
    (void)value;
    if (key != "phone_number" && key != "parameters" && key != "start" && key != "end" &&
        key != "max_attempts" && key != "reattempt_wait" && key != "result_url" && key != "secure")
      errors.push_back({"/" + key, "unknown field"});
  }
  const Json* phone = body->find("phone_number");
  if (!phone || !phone->is_string()) errors.push_back({"/phone_number", "required: a string"});
  std::string parameters = "{}";
  if (const Json* p = body->find("parameters")) {
    if (!p->is_object()) {
      errors.push_back({"/parameters", "must be an object of name: value"});
    } else {
      for (const auto& [name, value] : p->as_object()) {
        (void)value;
        if (!valid_name(name))
          errors.push_back({"/parameters/" + name, "names are letters, digits, '_' or '-'"});
      }
      parameters = p->dump();
    }
  }
  if (!errors.empty()) return invalid_outbound_call(std::move(errors));
  store::OutboundCall c;
  if (auto why = make_call(label, who, phone->as_string(), "", parameters, o, *d, now, c))
    return invalid_outbound_call(
        {{why->find("result_url") != std::string::npos ? "/result_url" : "/phone_number", *why}});
  if (auto st = api.deps().outbound->add({c}); !st) return store_failure(st.error());
  Response r = json_response(201, queued_json(c));
  r.headers.emplace_back("Location", "/v1/outbound/" + c.id);
  // The audit names the deployment and the call, never the number or the parameters.
  if (!api.audit(who, "outbound.queue", label, "call " + c.id))
    r.headers.emplace_back("X-Audit-Error", "audit write failed");
  return r;
}

// Bulk options come in the query string: the body is the CSV.
Json query_options(const Request& req, std::vector<ProblemItem>& errors) {
  Json o = Json(Json::Object{});
  for (const auto& [name, value] : req.query) {
    if (name == "max_attempts" || name == "reattempt_wait") {
      if (value.empty() || value.size() > 9 ||
          value.find_first_not_of("0123456789") != std::string::npos)
        errors.push_back({"?" + name, "must be a whole number"});
      else
        o.set(name, static_cast<std::int64_t>(std::stoll(value)));
    } else if (name == "secure") {
      if (value != "true" && value != "false")
        errors.push_back({"?secure", "must be true or false"});
      else
        o.set(name, value == "true");
    } else if (name == "start" || name == "end" || name == "result_url") {
      o.set(name, value);
    } else {
      errors.push_back({"?" + name, "unknown parameter"});
    }
  }
  return o;
}

Response queue_bulk(ApiService& api, Request& req, const Principal& who) {
  if (req.content_type.rfind("text/csv", 0) != 0)
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   "send the calls as text/csv");
  const std::string label = req.params["label"];
  Response bad;
  auto d = find_deployment(api, label, who, Need::kWrite, bad);
  if (!d) return bad;
  const std::int64_t now = api.now_ms();
  std::vector<ProblemItem> errors;
  Json options = query_options(req, errors);
  QueueOptions o;
  for (auto& e : read_options(options, now, o))
    errors.push_back({"?" + e.where.substr(1), e.detail});
  if (!errors.empty()) return invalid_outbound_call(std::move(errors));
  auto csv = outbound::parse_bulk_csv(req.body, kMaxBulkRows);
  if (!csv) return invalid_outbound_call({{"csv", csv.error().message}});
  for (const auto& p : csv->problems)
    errors.push_back({"line " + std::to_string(p.line), p.message});
  std::vector<store::OutboundCall> calls;
  for (const auto& row : csv->calls) {
    Json parameters = Json(Json::Object{});
    for (const auto& [name, value] : row.parameters) parameters.set(name, value);
    store::OutboundCall c;
    if (auto why =
            make_call(label, who, row.destination, row.ani, parameters.dump(), o, *d, now, c)) {
      errors.push_back({"line " + std::to_string(row.line), *why});
      continue;
    }
    calls.push_back(std::move(c));
  }
  if (calls.empty() && errors.empty()) errors.push_back({"csv", "no calls in the file"});
  // All or nothing: a file with any bad row queues no call, so it can be fixed and re-sent
  // without duplicating the good rows.
  if (!errors.empty()) return invalid_outbound_call(std::move(errors));
  if (auto st = api.deps().outbound->add(calls); !st) return store_failure(st.error());
  Json::Array list;
  for (std::size_t i = 0; i < calls.size(); ++i) {
    Json j = queued_json(calls[i]);
    j.set("line", csv->calls[i].line);
    list.push_back(std::move(j));
  }
  Json body;
  body.set("count", static_cast<std::int64_t>(calls.size()));
  body.set("calls", std::move(list));
  Response r = json_response(201, body);
  if (!api.audit(who, "outbound.queue_bulk", label, std::to_string(calls.size()) + " calls"))
    r.headers.emplace_back("X-Audit-Error", "audit write failed");
  return r;
}

}  // namespace

Json outbound_call_details(const store::OutboundCall& c) {
  Json j;
  j.set("call_id", c.id);
  j.set("deployment", c.deployment);
  j.set("status", std::string(store::outbound_status_name(c.status)));
  j.set("phone_number", c.phone_number);
  j.set("attempts", c.attempts);
  j.set("max_attempts", c.max_attempts);
  j.set("reattempt_wait", c.reattempt_wait_s);
  j.set("queued_timestamp", iso_time(c.queued_unix_ms));
  j.set("start_timestamp", iso_time(c.start_unix_ms));
  j.set("end_timestamp", c.end_unix_ms ? Json(iso_time(c.end_unix_ms)) : Json());
  j.set("next_attempt_timestamp", c.status == store::OutboundStatus::kQueued
                                      ? Json(iso_time(c.next_attempt_unix_ms))
                                      : Json());
  j.set("connected_timestamp", c.connected_unix_ms ? Json(iso_time(c.connected_unix_ms)) : Json());
  j.set("disconnected_timestamp",
        c.disconnected_unix_ms ? Json(iso_time(c.disconnected_unix_ms)) : Json());
  j.set("duration", outbound::talk_seconds(c));
  j.set("result", c.last_result.empty() ? Json() : Json(c.last_result));
  j.set("secure", c.secure);
  Json::Array events;
  for (const auto& e : c.events) {
    Json ev;
    ev.set("event", e.event);
    ev.set("timestamp", iso_time(e.at_unix_ms));
    events.push_back(std::move(ev));
  }
  j.set("events", std::move(events));
  Json::Array sessions;
  for (const auto& s : c.session_ids) sessions.emplace_back(s);
  j.set("session_ids", std::move(sessions));
  j.set("links", links(c));
  return j;
}

Json outbound_status_body(const store::OutboundCall& c) {
  Json body;
  body.set("call_details", outbound_call_details(c));
  return body;
}

void add_outbound_routes(ApiService& api) {
  using store::Role;
  // A service built without a queue (some tools and tests) answers 501 on these routes.
  auto with_queue = [&api](ApiService::Handler handler) -> ApiService::Handler {
    return [&api, handler = std::move(handler)](Request& req, const Principal& who) {
      if (!api.deps().outbound)
        return problem(501, "not-implemented", "Not implemented", "no outbound queue here");
      return handler(req, who);
    };
  };

  api.add_route(
      "POST", "/v1/deployments/{label}/outbound", Role::kDeveloper,
      with_queue([&api](Request& req, const Principal& who) { return queue_one(api, req, who); }));

  api.add_route(
      "POST", "/v1/deployments/{label}/outbound/bulk", Role::kDeveloper,
      with_queue([&api](Request& req, const Principal& who) { return queue_bulk(api, req, who); }));

  api.add_route("GET", "/v1/deployments/{label}/outbound", Role::kViewer,
                with_queue([&api](Request& req, const Principal& who) {
                  Response bad;
                  auto d = find_deployment(api, req.params["label"], who, Need::kRead, bad);
                  if (!d) return bad;
                  auto calls = api.deps().outbound->list(d->label, 500);
                  if (!calls) return store_failure(calls.error());
                  Json::Array list;
                  for (const auto& c : *calls) list.push_back(outbound_call_details(c));
                  Json body;
                  body.set("calls", std::move(list));
                  return json_response(200, body);
                }));

  api.add_route("GET", "/v1/outbound/{call_id}", Role::kViewer,
                with_queue([&api](Request& req, const Principal& who) {
                  auto c = api.deps().outbound->get(req.params["call_id"]);
                  if (!c) return store_failure(c.error());
                  if (!*c) return problem(404, "not-found", "Not found", "no such outbound call");
                  // Readable with its deployment; a deleted deployment's calls: admins only.
                  Response bad;
                  const bool sees_all = who.role == store::Role::kAdmin || !api.deps().teams;
                  if (!sees_all && !find_deployment(api, (*c)->deployment, who, Need::kRead, bad))
                    return bad.status == 404
                               ? problem(404, "not-found", "Not found", "no such outbound call")
                               : bad;
                  return json_response(200, outbound_status_body(**c));
                }));

  api.add_route(
      "DELETE", "/v1/deployments/{label}/outbound", Role::kDeveloper,
      with_queue([&api](Request& req, const Principal& who) {
        Response bad;
        auto d = find_deployment(api, req.params["label"], who, Need::kWrite, bad);
        if (!d) return bad;
        auto canceled = api.deps().outbound->cancel_pending(d->label, api.now_ms());
        if (!canceled) return store_failure(canceled.error());
        Json body;
        body.set("canceled", *canceled);
        Response r = json_response(202, body);
        if (!api.audit(who, "outbound.cancel", d->label, std::to_string(*canceled) + " calls"))
          r.headers.emplace_back("X-Audit-Error", "audit write failed");
        return r;
      }));
}

}  // namespace keyline::api
