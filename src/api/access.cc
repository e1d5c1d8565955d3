#include "api/access.h"

#include "api/problem.h"

namespace keyline::api {

Result<Grant> grant_for(const ApiService& api, const Principal& who, const std::string& kind,
                        const std::string& target, const std::string& owner) {
  if (who.role == store::Role::kAdmin || !api.deps().teams) return Grant::kManage;
  if (!owner.empty() && owner == who.email) return Grant::kManage;
  auto shared = api.deps().teams->shared_with(kind, who.email);
  if (!shared) return shared.error();
  for (const auto& t : *shared) {
    if (t != target) continue;
    return who.role == store::Role::kViewer ? Grant::kRead : Grant::kWrite;
  }
  return Grant::kHidden;
}

std::optional<Response> deny(const ApiService& api, const Principal& who, const std::string& kind,
                             const std::string& target, const std::string& owner, Need need,
                             const std::string& not_found_detail) {
  auto grant = grant_for(api, who, kind, target, owner);
  if (!grant) return store_failure(grant.error());
  if (*grant == Grant::kHidden) return problem(404, "not-found", "Not found", not_found_detail);
  const bool enough = (need == Need::kRead) || (need == Need::kWrite && *grant != Grant::kRead) ||
                      (need == Need::kManage && *grant == Grant::kManage);
  if (enough) return std::nullopt;
  return problem(403, "forbidden", "Forbidden",
                 need == Need::kManage
                     ? "only its owner or an admin may delete or share this " + kind
                     : "this " + kind + " is shared with you read-only");
}

std::optional<Response> deny_app(const ApiService& api, const Principal& who,
                                 const std::string& name, Need need) {
  if (who.role == store::Role::kAdmin || !api.deps().teams) return std::nullopt;
  auto app = api.deps().apps->get(name);
  if (!app) return store_failure(app.error());
  if (!*app) return std::nullopt;
  return deny(api, who, kAppKind, name, (*app)->owner, need, "no app named '" + name + "'");
}

Result<Visibility> visibility(const ApiService& api, const Principal& who,
                              const std::string& kind) {
  Visibility v;
  v.email = who.email;
  if (who.role == store::Role::kAdmin || !api.deps().teams) {
    v.all = true;
    return v;
  }
  auto shared = api.deps().teams->shared_with(kind, who.email);
  if (!shared) return shared.error();
  v.shared.insert(shared->begin(), shared->end());
  return v;
}

}  // namespace keyline::api
