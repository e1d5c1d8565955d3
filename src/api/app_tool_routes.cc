// The builder's tools over the API, the same as the CLI's: validate a document without storing
// it (`keyline validate`), the privacy audit of a stored revision (`keyline audit`), and its flow
// graph as SVG or DOT (`keyline graph`). Nothing here writes.
#include "api/access.h"
#include "api/api_service.h"
#include "api/problem.h"
#include "api/route_helpers.h"
#include "base/strings.h"
#include "flow/app_analysis.h"
#include "flow/app_document.h"
#include "flow/app_graph.h"
#include "flow/graph_render.h"
#include "flow/privacy_audit.h"

namespace keyline::api {
namespace {

std::string location(const std::string& file, const flow::SourcePos& pos) {
  return file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

Json item_json(const std::string& where, const std::string& detail) {
  Json j;
  j.set("where", where);
  j.set("detail", detail);
  return j;
}

// The stored revision a GET names (?revision=N, default the latest), parsed. On failure
// `problem_out` holds the answer.
std::optional<flow::AppDocument> stored_app(ApiService& api, Request& req, int& revision_out,
                                            Response& problem_out) {
  const std::string name = req.params["name"];
  auto app = api.deps().apps->get(name);
  if (!app) {
    problem_out = store_failure(app.error());
    return std::nullopt;
  }
  if (!*app) {
    problem_out = problem(404, "not-found", "Not found", "no app named '" + name + "'");
    return std::nullopt;
  }
  int number = (*app)->latest_revision;
  if (auto given = req.query_value("revision")) {
    auto n = parse_int<int>(*given);
    if (!n || *n < 1) {
      problem_out = problem(400, "invalid-parameter", "Invalid parameter",
                            "revision must be a positive integer");
      return std::nullopt;
    }
    number = *n;
  }
  auto revision = api.deps().apps->revision(name, number);
  if (!revision) {
    problem_out = store_failure(revision.error());
    return std::nullopt;
  }
  if (!*revision) {
    problem_out = problem(404, "not-found", "Not found", "no such revision");
    return std::nullopt;
  }
  // Stored documents passed validation when written; a later, stricter parser may still refuse
  // an old one, which is the document's problem, not the server's.
  auto parsed = flow::parse_app((*revision)->document, name + ".json");
  if (!parsed) {
    problem_out =
        problem(422, "invalid-app", "The stored revision no longer parses",
                "validate it with POST /v1/apps/{name}/validate", {{"", parsed.error().message}});
    return std::nullopt;
  }
  revision_out = number;
  return std::move(*parsed);
}

Response validate(ApiService& api, Request& req) {
  const std::string name = req.params["name"];
  if (!valid_name(name))
    return problem(400, "invalid-name", "Invalid name",
                   "names are 1-64 characters of letters, digits, '_' and '-'");
  std::string document = req.body;
  if (document.empty()) {  // no body: check what is stored
    int revision = 0;
    Response bad;
    auto app = stored_app(api, req, revision, bad);
    if (!app) return bad;
    auto stored = api.deps().apps->revision(name, revision);
    if (!stored || !*stored) return store_failure(make_error("store", "revision vanished"));
    document = (*stored)->document;
  } else if (!req.content_type.empty() && req.content_type.rfind("application/json", 0) != 0) {
    return problem(415, "unsupported-media-type", "Unsupported media type",
                   "send the app document as application/json");
  }
  Json::Array errors;
  Json::Array warnings;
  // The checks PUT applies (syntax, name, a secure app's audit), then the whole-app analysis
  // `keyline validate` adds: unreachable modules, variables read before they are set.
  auto basic = check_app_document(name, document);
  for (const auto& p : basic.items) errors.push_back(item_json(p.where, p.detail));
  if (basic.items.empty()) {
    auto app = flow::parse_app(document, name + ".json");
    if (app) {
      for (const auto& p : flow::analyze_app(*app))
        errors.push_back(item_json(location(name + ".json", p.pos), p.message));
      for (const auto& f : flow::audit_app(*app)) {
        // A private value in an Email or SMS text fails any app (the call would refuse to send
        // it); other errors fail only secure apps, and were reported by check_app_document.
        if (f.severity != flow::AuditSeverity::kError || f.acknowledged) continue;
        if (f.kind == "message" && !app->settings.secure)
          errors.push_back(item_json(location(name + ".json", f.pos), f.message));
        else if (!app->settings.secure)
          warnings.push_back(item_json(location(name + ".json", f.pos), f.message));
      }
    }
  }
  Json body;
  body.set("app", name);
  body.set("valid", errors.empty());
  body.set("errors", std::move(errors));
  body.set("warnings", std::move(warnings));
  return json_response(200, body);
}

Json finding_json(const std::string& file, const flow::AuditFinding& f) {
  Json j;
  j.set("severity", std::string(flow::audit_severity_name(f.severity)));
  j.set("kind", f.kind);
  j.set("acknowledged", f.acknowledged);
  j.set("where", location(file, f.pos));
  j.set("module", f.sink_module);
  j.set("variable", f.variable);
  Json::Array chain;
  for (const auto& m : f.chain) chain.emplace_back(m);
  j.set("chain", std::move(chain));
  j.set("message", f.message);  // names modules and variables, never values
  return j;
}

Response audit(ApiService& api, Request& req) {
  int revision = 0;
  Response bad;
  auto app = stored_app(api, req, revision, bad);
  if (!app) return bad;
  const auto findings = flow::audit_app(*app);
  Json::Array list;
  for (const auto& f : findings) list.push_back(finding_json(app->name + ".json", f));
  Json body;
  body.set("app", app->name);
  body.set("revision", revision);
  body.set("secure", app->settings.secure);
  body.set("blocks", flow::audit_blocks(findings));
  body.set("findings", std::move(list));
  return json_response(200, body);
}

Response graph(ApiService& api, Request& req) {
  const std::string format = req.query_value("format").value_or("svg");
  if (format != "svg" && format != "dot")
    return problem(400, "invalid-parameter", "Invalid parameter", "format is svg or dot");
  int revision = 0;
  Response bad;
  auto app = stored_app(api, req, revision, bad);
  if (!app) return bad;
  Response r;
  r.body = flow::app_to_dot(*app);
  r.content_type = "text/vnd.graphviz";
  if (format == "svg") {
    auto svg = flow::dot_to_svg(r.body);
    if (!svg)
      return problem(500, "graph-failed", "The graph could not be drawn", svg.error().message);
    r.body = std::move(*svg);
    r.content_type = "image/svg+xml";
  }
  return r;
}

}  // namespace

void add_app_tool_routes(ApiService& api) {
  using store::Role;
  api.add_route("POST", "/v1/apps/{name}/validate", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  // Validating a body reads nothing stored; validating the stored app does.
                  if (req.body.empty())
                    if (auto denied = deny_app(api, who, req.params["name"], Need::kRead))
                      return *denied;
                  return validate(api, req);
                });
  api.add_route("GET", "/v1/apps/{name}/audit", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  if (auto denied = deny_app(api, who, req.params["name"], Need::kRead))
                    return *denied;
                  return audit(api, req);
                });
  api.add_route("GET", "/v1/apps/{name}/graph", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  if (auto denied = deny_app(api, who, req.params["name"], Need::kRead))
                    return *denied;
                  return graph(api, req);
                });
}

}  // namespace keyline::api
