// Deployments: a label binding numbers (or patterns) to an app revision, with
// variables that override the app's and a secure flag. Every field is checked
// before anything is written; all problems come back together.
#include "api/access.h"
#include "api/api_service.h"
#include "api/problem.h"
#include "api/route_helpers.h"

namespace keyline::api {
namespace {

bool valid_label(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-'))
      return false;
  return true;
}

// A number or pattern: digits, '+', '#', letters for SIP user parts, and '*'
// as a wildcard; no whitespace (they are stored one per line).
bool valid_number(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
          c == '*' || c == '#' || c == '.' || c == '-' || c == '_'))
      return false;
  return true;
}

}  // namespace

Json deployment_json(const store::DeploymentRecord& d) {
  Json j;
  j.set("label", d.label);
  j.set("app", d.app);
  j.set("revision", d.revision);
  Json::Array numbers;
  for (const auto& n : d.numbers) numbers.emplace_back(n);
  j.set("numbers", std::move(numbers));
  Json variables = Json(Json::Object{});
  for (const auto& [k, v] : d.variables) variables.set(k, v);
  j.set("variables", std::move(variables));
  j.set("secure", d.secure);
  j.set("trunk", d.trunk.empty() ? Json() : Json(d.trunk));
  j.set("owner", d.owner);
  j.set("created", iso_time(d.created_unix_ms));
  j.set("updated", iso_time(d.updated_unix_ms));
  return j;
}

// `label_from_path`: the body may repeat it but not change it.
std::vector<ProblemItem> read_deployment(const ApiDependencies& deps, const Json& body,
                                         const std::string* label_from_path,
                                         store::DeploymentRecord& d) {
  std::vector<ProblemItem> errors;
  for (const auto& [key, value] : body.as_object()) {
    (void)value;
    if (key != "label" && key != "app" && key != "revision" && key != "numbers" &&
        key != "variables" && key != "secure" && key != "trunk")
      errors.push_back({"/" + key, "unknown field"});
  }
  if (const Json* label = body.find("label")) {
    if (!label->is_string() || !valid_label(label->as_string()))
      errors.push_back({"/label", "must be 1-64 letters, digits, '_' or '-'"});
    else if (label_from_path && label->as_string() != *label_from_path)
      errors.push_back({"/label", "cannot change a deployment's label"});
    else
      d.label = label->as_string();
  } else if (label_from_path) {
    d.label = *label_from_path;
  } else {
    errors.push_back({"/label", "required"});
  }
  const Json* app = body.find("app");
  std::optional<store::AppRecord> app_row;
  if (!app || !app->is_string()) {
    errors.push_back({"/app", "required: the name of an app"});
  } else {
    d.app = app->as_string();
    auto found = deps.apps->get(d.app);
    if (!found || !*found)
      errors.push_back({"/app", "no app named '" + d.app + "'"});
    else
      app_row = **found;
  }
  if (const Json* revision = body.find("revision")) {
    auto n = revision->as_integer();
    if (!n || *n < 0)
      errors.push_back({"/revision", "must be 0 (latest) or a revision number"});
    else if (app_row && *n > app_row->latest_revision)
      errors.push_back({"/revision", "app '" + d.app + "' has no revision " + std::to_string(*n)});
    else
      d.revision = static_cast<int>(*n);
  }
  const Json* numbers = body.find("numbers");
  if (!numbers || !numbers->is_array() || numbers->as_array().empty() ||
      numbers->as_array().size() > 1000) {
    errors.push_back({"/numbers", "required: a list of 1 to 1000 numbers or patterns"});
  } else {
    const auto& list = numbers->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string() || !valid_number(list[i].as_string()))
        errors.push_back({"/numbers/" + std::to_string(i),
                          "must be digits, letters, '+', '#', '.', '-', '_' or '*' (1-64)"});
      else
        d.numbers.push_back(list[i].as_string());
    }
  }
  if (const Json* variables = body.find("variables")) {
    if (!variables->is_object()) {
      errors.push_back({"/variables", "must be an object of name: string"});
    } else {
      for (const auto& [name, value] : variables->as_object()) {
        if (!valid_label(name))
          errors.push_back({"/variables/" + name, "names are letters, digits, '_' or '-'"});
        else if (!value.is_string() || value.as_string().size() > 4096)
          errors.push_back({"/variables/" + name, "must be a string of at most 4096 bytes"});
        else
          d.variables[name] = value.as_string();
      }
    }
  }
  if (const Json* secure = body.find("secure")) {
    if (!secure->is_bool())
      errors.push_back({"/secure", "must be true or false"});
    else
      d.secure = secure->as_bool();
  }
  // The trunk its calls arrive on: null or absent for any; a name must be a stored trunk.
  if (const Json* trunk = body.find("trunk"); trunk && !trunk->is_null()) {
    if (!trunk->is_string() || !valid_label(trunk->as_string())) {
      errors.push_back({"/trunk", "must be the name of a trunk, or null"});
    } else if (!deps.trunks) {
      errors.push_back({"/trunk", "this server keeps no trunks"});
    } else {
      auto found = deps.trunks->get(trunk->as_string());
      if (!found || !*found)
        errors.push_back({"/trunk", "no trunk named '" + trunk->as_string() + "'"});
      else
        d.trunk = trunk->as_string();
    }
  }
  return errors;
}

namespace {

Response invalid_deployment(std::vector<ProblemItem> errors) {
  return problem(422, "invalid-deployment", "The deployment has errors", "see errors",
                 std::move(errors));
}

// A deployment may only run an app its writer can see; a hidden one reads as absent.
std::optional<Response> app_hidden(const ApiService& api, const Principal& who,
                                   const std::string& app) {
  auto denied = deny_app(api, who, app, Need::kRead);
  if (!denied) return std::nullopt;
  if (denied->status != 404) return denied;
  return invalid_deployment({{"/app", "no app named '" + app + "'"}});
}

std::string no_deployment() { return "no such deployment"; }

}  // namespace

void add_deployment_routes(ApiService& api) {
  using store::Role;

  api.add_route("GET", "/v1/deployments", Role::kViewer, [&api](Request&, const Principal& who) {
    auto all = api.deps().deployments->list();
    if (!all) return store_failure(all.error());
    auto visible = visibility(api, who, kDeploymentKind);
    if (!visible) return store_failure(visible.error());
    Json::Array list;
    for (const auto& d : *all)
      if (visible->sees(d.label, d.owner)) list.push_back(deployment_json(d));
    Json body;
    body.set("deployments", std::move(list));
    return json_response(200, body);
  });

  api.add_route("POST", "/v1/deployments", Role::kDeveloper,
                [&api](Request& req, const Principal& who) {
                  Response bad;
                  auto body = parse_body_object(req, bad);
                  if (!body) return bad;
                  store::DeploymentRecord d;
                  auto errors = read_deployment(api.deps(), *body, nullptr, d);
                  if (!errors.empty()) return invalid_deployment(std::move(errors));
                  if (auto hidden = app_hidden(api, who, d.app)) return *hidden;
                  auto existing = api.deps().deployments->get(d.label);
                  if (!existing) return store_failure(existing.error());
                  if (*existing)
                    return problem(409, "already-exists", "Already exists",
                                   "a deployment labelled '" + d.label + "' exists");
                  d.created_unix_ms = d.updated_unix_ms = api.now_ms();
                  d.owner = who.email;
                  if (auto st = api.deps().deployments->create(d); !st)
                    return store_failure(st.error());
                  Response r = json_response(201, deployment_json(d));
                  r.headers.emplace_back("Location", "/v1/deployments/" + d.label);
                  api.routing_changed();
                  if (!api.audit(who, "deployment.create", d.label, "app " + d.app))
                    r.headers.emplace_back("X-Audit-Error", "audit write failed");
                  return r;
                });

  api.add_route("GET", "/v1/deployments/{label}", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  auto d = api.deps().deployments->get(req.params["label"]);
                  if (!d) return store_failure(d.error());
                  if (!*d) return problem(404, "not-found", "Not found", "no such deployment");
                  if (auto denied = deny(api, who, kDeploymentKind, (*d)->label, (*d)->owner,
                                         Need::kRead, no_deployment()))
                    return *denied;
                  return json_response(200, deployment_json(**d));
                });

  api.add_route("PUT", "/v1/deployments/{label}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) {
                  Response bad;
                  auto body = parse_body_object(req, bad);
                  if (!body) return bad;
                  const std::string label = req.params["label"];
                  auto existing = api.deps().deployments->get(label);
                  if (!existing) return store_failure(existing.error());
                  if (!*existing)
                    return problem(404, "not-found", "Not found", "no such deployment");
                  if (auto denied = deny(api, who, kDeploymentKind, label, (*existing)->owner,
                                         Need::kWrite, no_deployment()))
                    return *denied;
                  store::DeploymentRecord d;
                  auto errors = read_deployment(api.deps(), *body, &label, d);
                  if (!errors.empty()) return invalid_deployment(std::move(errors));
                  if (auto hidden = app_hidden(api, who, d.app)) return *hidden;
                  d.owner = (*existing)->owner;
                  d.created_unix_ms = (*existing)->created_unix_ms;
                  d.updated_unix_ms = api.now_ms();
                  auto updated = api.deps().deployments->update(d);
                  if (!updated) return store_failure(updated.error());
                  if (!*updated)
                    return problem(404, "not-found", "Not found", "no such deployment");
                  Response r = json_response(200, deployment_json(d));
                  api.routing_changed();
                  if (!api.audit(who, "deployment.update", d.label, "app " + d.app))
                    r.headers.emplace_back("X-Audit-Error", "audit write failed");
                  return r;
                });

  api.add_route("DELETE", "/v1/deployments/{label}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) {
                  const std::string label = req.params["label"];
                  auto existing = api.deps().deployments->get(label);
                  if (!existing) return store_failure(existing.error());
                  if (*existing)
                    if (auto denied = deny(api, who, kDeploymentKind, label, (*existing)->owner,
                                           Need::kManage, no_deployment()))
                      return *denied;
                  auto removed = api.deps().deployments->remove(label);
                  if (!removed) return store_failure(removed.error());
                  if (!*removed)
                    return problem(404, "not-found", "Not found", "no such deployment");
                  if (api.deps().teams)
                    (void)api.deps().teams->remove_shares(kDeploymentKind, label);
                  Response r;
                  r.status = 204;
                  r.content_type.clear();
                  api.routing_changed();
                  if (!api.audit(who, "deployment.delete", label))
                    r.headers.emplace_back("X-Audit-Error", "audit write failed");
                  return r;
                });
}

}  // namespace keyline::api
