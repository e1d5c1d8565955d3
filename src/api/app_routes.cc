// Apps and their revisions. A PUT is validated by the flow layer's own parser,
// so the API accepts exactly what `keyline validate` accepts, and its
// file:line:col problems come back as the problem document's `errors`.
#include "api/access.h"
#include "api/api_service.h"
#include "api/problem.h"
#include "api/route_helpers.h"
#include "base/strings.h"
#include "flow/app_document.h"
#include "flow/privacy_audit.h"

namespace keyline::api {
bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

namespace {

Response bad_name() {
  return problem(400, "invalid-name", "Invalid name",
                 "names are 1-64 characters of letters, digits, '_' and '-'");
}

// "demo.json:3:7: unknown key" → {where "demo.json:3:7", detail "unknown key"}.
std::vector<ProblemItem> problems_from(const std::string& message) {
  std::vector<ProblemItem> out;
  for (auto line : split(message, '\n')) {
    if (line.empty()) continue;
    // The location is "file:line:col"; the detail starts after the third ':'.
    std::size_t cut = std::string_view::npos, pos = 0;
    for (int i = 0; i < 3; ++i) {
      pos = line.find(':', pos);
      if (pos == std::string_view::npos) break;
      cut = pos++;
    }
    if (pos == std::string_view::npos || cut == std::string_view::npos)
      out.push_back({"", std::string(line)});
    else
      out.push_back({std::string(line.substr(0, cut)), std::string(trim(line.substr(cut + 1)))});
  }
  return out;
}

Json app_json(const store::AppRecord& a) {
  Json j;
  j.set("name", a.name);
  j.set("owner", a.owner);
  j.set("folder", a.folder);
  j.set("created", iso_time(a.created_unix_ms));
  j.set("updated", iso_time(a.updated_unix_ms));
  j.set("latest_revision", a.latest_revision);
  return j;
}

Json revision_json(const store::AppRevision& r, bool with_document) {
  Json j;
  j.set("app", r.app);
  j.set("revision", r.revision);
  j.set("author", r.author);
  j.set("created", iso_time(r.created_unix_ms));
  if (with_document) {
    // Stored documents passed validation, so they parse; a damaged row is
    // returned as text rather than failing the request.
    auto doc = parse_json(r.document, 256);
    j.set("document", doc ? std::move(*doc) : Json(r.document));
  }
  return j;
}

}  // namespace

AppProblems check_app_document(const std::string& name, const std::string& document) {
  auto parsed = flow::parse_app(document, name + ".json");
  if (!parsed) {
    auto items = problems_from(parsed.error().message);
    if (items.empty()) items.push_back({"", "the document could not be read"});
    return {"The app document has errors", "see errors (file:line:col)", std::move(items)};
  }
  if (parsed->name != name)
    return {"The app document has errors",
            "the document's name must match the URL",
            {{"/name", "is '" + parsed->name + "', the URL says '" + name + "'"}}};
  // A secure app is stored only once every audit error is fixed or acknowledged.
  if (parsed->settings.secure) {
    std::string findings;
    for (const auto& f : flow::audit_app(*parsed)) {
      if (f.severity == flow::AuditSeverity::kError && !f.acknowledged)
        findings += (findings.empty() ? "" : "\n") + flow::format_finding(name + ".json", f);
    }
    if (!findings.empty())
      return {"The secure app fails the privacy audit",
              "fix or acknowledge each error (settings.audit_acknowledged)",
              problems_from(findings)};
  }
  return {};
}

void add_app_routes(ApiService& api) {
  using store::Role;

  api.add_route("GET", "/v1/apps", Role::kViewer, [&api](Request&, const Principal& who) {
    auto apps = api.deps().apps->list();
    if (!apps) return store_failure(apps.error());
    auto visible = visibility(api, who, kAppKind);
    if (!visible) return store_failure(visible.error());
    Json::Array list;
    for (const auto& a : *apps)
      if (visible->sees(a.name, a.owner)) list.push_back(app_json(a));
    Json body;
    body.set("apps", std::move(list));
    return json_response(200, body);
  });

  api.add_route("GET", "/v1/apps/{name}", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  const auto& name = req.params["name"];
                  auto app = api.deps().apps->get(name);
                  if (!app) return store_failure(app.error());
                  if (!*app)
                    return problem(404, "not-found", "Not found", "no app named '" + name + "'");
                  if (auto denied = deny(api, who, kAppKind, name, (*app)->owner, Need::kRead,
                                         "no app named '" + name + "'"))
                    return *denied;
                  auto latest = api.deps().apps->revision(name, (*app)->latest_revision);
                  if (!latest) return store_failure(latest.error());
                  Json body = app_json(**app);
                  if (*latest) body.set("latest", revision_json(**latest, true));
                  return json_response(200, body);
                });

  api.add_route(
      "PUT", "/v1/apps/{name}", Role::kDeveloper, [&api](Request& req, const Principal& who) {
        const auto& name = req.params["name"];
        if (!valid_name(name)) return bad_name();
        if (req.content_type.rfind("application/json", 0) != 0 && !req.content_type.empty())
          return problem(415, "unsupported-media-type", "Unsupported media type",
                         "send the app document as application/json");
        auto problems = check_app_document(name, req.body);
        if (!problems.items.empty())
          return problem(422, "invalid-app", problems.title, problems.detail, problems.items);
        auto existed = api.deps().apps->get(name);
        if (!existed) return store_failure(existed.error());
        const bool was_there = existed->has_value();
        // A name someone else owns cannot be taken over: 403 even when it is hidden,
        // since a PUT that answered 404 would read as "create it".
        if (was_there) {
          if (auto denied = deny(api, who, kAppKind, name, (**existed).owner, Need::kWrite,
                                 "no app named '" + name + "'")) {
            if (denied->status == 404)
              return problem(403, "forbidden", "Forbidden",
                             "an app with this name belongs to someone else");
            return *denied;
          }
        }
        auto revision = api.deps().apps->save_revision(name, req.body, who.email, api.now_ms());
        if (!revision) return store_failure(revision.error());
        api.routing_changed();  // deployments at revision 0 follow the new one
        auto audited = api.audit(who, was_there ? "app.update" : "app.create", name,
                                 "revision " + std::to_string(*revision));
        auto app = api.deps().apps->get(name);
        if (!app || !*app) return store_failure(make_error("store", "app vanished"));
        Response r = json_response(was_there ? 200 : 201, app_json(**app));
        r.headers.emplace_back("Location", "/v1/apps/" + name);
        if (!audited) r.headers.emplace_back("X-Audit-Error", "audit write failed");
        return r;
      });

  api.add_route("GET", "/v1/apps/{name}/revisions", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  const auto& name = req.params["name"];
                  auto app = api.deps().apps->get(name);
                  if (!app) return store_failure(app.error());
                  if (!*app)
                    return problem(404, "not-found", "Not found", "no app named '" + name + "'");
                  if (auto denied = deny(api, who, kAppKind, name, (*app)->owner, Need::kRead,
                                         "no app named '" + name + "'"))
                    return *denied;
                  auto revisions = api.deps().apps->revisions(name);
                  if (!revisions) return store_failure(revisions.error());
                  Json::Array list;
                  for (const auto& r : *revisions) list.push_back(revision_json(r, false));
                  Json body;
                  body.set("revisions", std::move(list));
                  return json_response(200, body);
                });

  api.add_route("GET", "/v1/apps/{name}/revisions/{revision}", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  const auto& name = req.params["name"];
                  if (auto denied = deny_app(api, who, name, Need::kRead)) return *denied;
                  auto number = parse_int<int>(req.params["revision"]);
                  if (!number || *number < 1)
                    return problem(400, "invalid-parameter", "Invalid parameter",
                                   "revision must be a positive integer");
                  auto revision = api.deps().apps->revision(name, *number);
                  if (!revision) return store_failure(revision.error());
                  if (!*revision) return problem(404, "not-found", "Not found", "no such revision");
                  return json_response(200, revision_json(**revision, true));
                });

  api.add_route("DELETE", "/v1/apps/{name}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) {
                  const auto& name = req.params["name"];
                  if (auto denied = deny_app(api, who, name, Need::kManage)) return *denied;
                  auto removed = api.deps().apps->remove(name);
                  if (!removed && removed.error().kind == "conflict")
                    return problem(409, "app-in-use", "App in use", removed.error().message);
                  if (!removed) return store_failure(removed.error());
                  if (!*removed)
                    return problem(404, "not-found", "Not found", "no app named '" + name + "'");
                  // A later app of the same name starts unshared.
                  if (api.deps().teams) (void)api.deps().teams->remove_shares(kAppKind, name);
                  Response r;
                  r.status = 204;
                  r.content_type.clear();
                  if (!api.audit(who, "app.delete", name))
                    r.headers.emplace_back("X-Audit-Error", "audit write failed");
                  return r;
                });
}

}  // namespace keyline::api
