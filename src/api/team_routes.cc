// Teams (named sets of user emails) and the shares that open an app or a
// deployment to a user or a team (issue 9). The access rule is access.h's.
// Teams: any developer may create one and then manages it (as do admins);
// members and the creator see it; to everyone else it does not exist.
#include <algorithm>

#include "api/access.h"
#include "api/api_service.h"
#include "api/problem.h"
#include "api/route_helpers.h"

namespace keyline::api {
namespace {

// An email as a member or grantee: one '@', no spaces or controls, at most 254 bytes.
bool valid_email(std::string_view s) {
  if (s.empty() || s.size() > 254) return false;
  const auto at = s.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == s.size() ||
      s.find('@', at + 1) != std::string_view::npos)
    return false;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '/' || c == '"') return false;
  return true;
}

Json team_json(const store::TeamRecord& t) {
  Json j;
  j.set("name", t.name);
  j.set("created_by", t.created_by);
  j.set("created", iso_time(t.created_unix_ms));
  Json::Array members;
  for (const auto& m : t.members) members.emplace_back(m);
  j.set("members", std::move(members));
  return j;
}

bool sees_team(const Principal& who, const store::TeamRecord& t) {
  return who.role == store::Role::kAdmin || t.created_by == who.email ||
         std::find(t.members.begin(), t.members.end(), who.email) != t.members.end();
}

bool manages_team(const Principal& who, const store::TeamRecord& t) {
  return who.role == store::Role::kAdmin || t.created_by == who.email;
}

Response no_content() {
  Response r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

Response with_audit(Response r, const Status& audited) {
  if (!audited) r.headers.emplace_back("X-Audit-Error", "audit write failed");
  return r;
}

// Loads the team a member route names and checks the caller may manage it;
// on failure `out` holds the answer.
std::optional<store::TeamRecord> managed_team(ApiService& api, const Principal& who,
                                              const std::string& name, Response& out) {
  auto team = api.deps().teams->get(name);
  if (!team) {
    out = store_failure(team.error());
    return std::nullopt;
  }
  if (!*team || !sees_team(who, **team)) {
    out = problem(404, "not-found", "Not found", "no team named '" + name + "'");
    return std::nullopt;
  }
  if (!manages_team(who, **team)) {
    out = problem(403, "forbidden", "Forbidden", "only its creator or an admin manages a team");
    return std::nullopt;
  }
  return std::move(**team);
}

void add_team_crud(ApiService& api) {
  using store::Role;
  api.add_route("GET", "/v1/teams", Role::kViewer, [&api](Request&, const Principal& who) {
    auto teams = api.deps().teams->list();
    if (!teams) return store_failure(teams.error());
    Json::Array list;
    for (const auto& t : *teams)
      if (sees_team(who, t)) list.push_back(team_json(t));
    Json body;
    body.set("teams", std::move(list));
    return json_response(200, body);
  });

  api.add_route("POST", "/v1/teams", Role::kDeveloper, [&api](Request& req, const Principal& who) {
    Response bad;
    auto body = parse_body_object(req, bad);
    if (!body) return bad;
    std::vector<ProblemItem> errors;
    store::TeamRecord t;
    for (const auto& [key, value] : body->as_object()) {
      (void)value;
      if (key != "name" && key != "members") errors.push_back({"/" + key, "unknown field"});
    }
    const Json* name = body->find("name");
    if (!name || !name->is_string() || !valid_name(name->as_string()))
      errors.push_back({"/name", "required: 1-64 letters, digits, '_' or '-'"});
    else
      t.name = name->as_string();
    if (const Json* members = body->find("members")) {
      if (!members->is_array() || members->as_array().size() > 1000) {
        errors.push_back({"/members", "must be a list of at most 1000 emails"});
      } else {
        const auto& list = members->as_array();
        for (std::size_t i = 0; i < list.size(); ++i) {
          if (!list[i].is_string() || !valid_email(list[i].as_string()))
            errors.push_back({"/members/" + std::to_string(i), "must be an email address"});
          else
            t.members.push_back(list[i].as_string());
        }
      }
    }
    if (!errors.empty())
      return problem(422, "invalid-team", "The team has errors", "see errors", std::move(errors));
    t.created_by = who.email;
    t.created_unix_ms = api.now_ms();
    auto st = api.deps().teams->create(t);
    if (!st && st.error().kind == "conflict")
      return problem(409, "already-exists", "Already exists",
                     "a team named '" + t.name + "' exists");
    if (!st) return store_failure(st.error());
    auto stored = api.deps().teams->get(t.name);
    if (!stored || !*stored) return store_failure(make_error("store", "team vanished"));
    Response r = json_response(201, team_json(**stored));
    r.headers.emplace_back("Location", "/v1/teams/" + t.name);
    return with_audit(std::move(r), api.audit(who, "team.create", t.name,
                                              std::to_string(t.members.size()) + " members"));
  });

  api.add_route("GET", "/v1/teams/{name}", Role::kViewer,
                [&api](Request& req, const Principal& who) {
                  const auto& name = req.params["name"];
                  auto team = api.deps().teams->get(name);
                  if (!team) return store_failure(team.error());
                  if (!*team || !sees_team(who, **team))
                    return problem(404, "not-found", "Not found", "no team named '" + name + "'");
                  return json_response(200, team_json(**team));
                });

  api.add_route("DELETE", "/v1/teams/{name}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) {
                  const std::string name = req.params["name"];
                  Response out;
                  if (!managed_team(api, who, name, out)) return out;
                  auto removed = api.deps().teams->remove(name);
                  if (!removed) return store_failure(removed.error());
                  if (!*removed)
                    return problem(404, "not-found", "Not found", "no team named '" + name + "'");
                  return with_audit(no_content(), api.audit(who, "team.delete", name));
                });

  api.add_route("PUT", "/v1/teams/{name}/members/{email}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) {
                  const std::string name = req.params["name"];
                  const std::string email = req.params["email"];
                  if (!valid_email(email))
                    return problem(400, "invalid-parameter", "Invalid parameter",
                                   "the member must be an email address");
                  Response out;
                  if (!managed_team(api, who, name, out)) return out;
                  auto added = api.deps().teams->add_member(name, email);
                  if (!added) return store_failure(added.error());
                  if (!*added)
                    return problem(404, "not-found", "Not found", "no team named '" + name + "'");
                  auto team = api.deps().teams->get(name);
                  if (!team || !*team) return store_failure(make_error("store", "team vanished"));
                  return with_audit(json_response(200, team_json(**team)),
                                    api.audit(who, "team.member.add", name, email));
                });

  api.add_route("DELETE", "/v1/teams/{name}/members/{email}", Role::kDeveloper,
                [&api](Request& req, const Principal& who) {
                  const std::string name = req.params["name"];
                  const std::string email = req.params["email"];
                  Response out;
                  if (!managed_team(api, who, name, out)) return out;
                  auto removed = api.deps().teams->remove_member(name, email);
                  if (!removed) return store_failure(removed.error());
                  if (!*removed)
                    return problem(404, "not-found", "Not found", "not a member of this team");
                  return with_audit(no_content(),
                                    api.audit(who, "team.member.remove", name, email));
                });
}

// The owner of the app or deployment a share route names; nullopt (with `out`
// set to 404) when there is no such record.
std::optional<std::string> owner_of(ApiService& api, const std::string& kind,
                                    const std::string& target, Response& out) {
  if (kind == kAppKind) {
    auto app = api.deps().apps->get(target);
    if (!app) {
      out = store_failure(app.error());
      return std::nullopt;
    }
    if (*app) return (*app)->owner;
  } else {
    auto d = api.deps().deployments->get(target);
    if (!d) {
      out = store_failure(d.error());
      return std::nullopt;
    }
    if (*d) return (*d)->owner;
  }
  out = problem(404, "not-found", "Not found", "no " + kind + " named '" + target + "'");
  return std::nullopt;
}

Json share_json(const store::ShareRecord& s) {
  Json j;
  j.set(s.grantee_kind == "team" ? "team" : "user", s.grantee);
  j.set("created", iso_time(s.created_unix_ms));
  return j;
}

// GET .../shares, PUT and DELETE .../shares/{users|teams}/{grantee} for one kind.
void add_share_routes(ApiService& api, const std::string& kind, const std::string& base,
                      const std::string& param) {
  using store::Role;
  api.add_route("GET", base + "/shares", Role::kViewer,
                [&api, kind, param](Request& req, const Principal& who) {
                  const std::string target = req.params[param];
                  Response out;
                  auto owner = owner_of(api, kind, target, out);
                  if (!owner) return out;
                  const std::string missing = "no " + kind + " named '" + target + "'";
                  if (auto denied = deny(api, who, kind, target, *owner, Need::kRead, missing))
                    return *denied;
                  auto shares = api.deps().teams->shares_of(kind, target);
                  if (!shares) return store_failure(shares.error());
                  Json::Array list;
                  for (const auto& s : *shares) list.push_back(share_json(s));
                  Json body;
                  body.set("owner", *owner);
                  body.set("shares", std::move(list));
                  return json_response(200, body);
                });

  for (const char* method : {"PUT", "DELETE"}) {
    const bool grant = std::string_view(method) == "PUT";
    for (const char* grantee_kind : {"users", "teams"}) {
      const bool team = std::string_view(grantee_kind) == "teams";
      api.add_route(
          method, base + "/shares/" + grantee_kind + "/{grantee}", Role::kDeveloper,
          [&api, kind, param, grant, team](Request& req, const Principal& who) {
            const std::string target = req.params[param];
            const std::string grantee = req.params["grantee"];
            Response out;
            auto owner = owner_of(api, kind, target, out);
            if (!owner) return out;
            const std::string missing = "no " + kind + " named '" + target + "'";
            if (auto denied = deny(api, who, kind, target, *owner, Need::kManage, missing))
              return *denied;
            store::ShareRecord share{kind, target, team ? "team" : "user", grantee, api.now_ms()};
            if (grant) {
              // Granting to a name that does not exist would silently do nothing: refuse it.
              bool exists = false;
              if (team) {
                auto t = api.deps().teams->get(grantee);
                if (!t) return store_failure(t.error());
                exists = t->has_value();
              } else {
                auto u = api.deps().users->find_by_email(grantee);
                if (!u) return store_failure(u.error());
                exists = u->has_value();
              }
              if (!exists)
                return problem(
                    422, "unknown-grantee", "Unknown grantee",
                    std::string(team ? "no team named '" : "no user with email '") + grantee + "'");
              if (auto st = api.deps().teams->share(share); !st) return store_failure(st.error());
              return with_audit(no_content(), api.audit(who, kind + ".share", target,
                                                        share.grantee_kind + " " + grantee));
            }
            auto removed = api.deps().teams->unshare(share);
            if (!removed) return store_failure(removed.error());
            if (!*removed) return problem(404, "not-found", "Not found", "no such share");
            return with_audit(no_content(), api.audit(who, kind + ".unshare", target,
                                                      share.grantee_kind + " " + grantee));
          });
    }
  }
}

}  // namespace

void add_team_routes(ApiService& api) {
  add_team_crud(api);
  add_share_routes(api, kAppKind, "/v1/apps/{name}", "name");
  add_share_routes(api, kDeploymentKind, "/v1/deployments/{label}", "label");
}

}  // namespace keyline::api
