#include "api/call_access.h"

#include <algorithm>
#include <map>

namespace keyline::api {

Result<std::optional<std::vector<std::string>>> readable_call_deployments(const ApiService& api,
                                                                          const Principal& who) {
  using Out = std::optional<std::vector<std::string>>;
  if (who.role == store::Role::kAdmin || !api.deps().teams) return Out{};
  auto apps_seen = visibility(api, who, kAppKind);
  if (!apps_seen) return apps_seen.error();
  auto deployments_seen = visibility(api, who, kDeploymentKind);
  if (!deployments_seen) return deployments_seen.error();
  auto apps = api.deps().apps->list();
  if (!apps) return apps.error();
  std::map<std::string, std::string> app_owner;
  for (const auto& a : *apps) app_owner[a.name] = a.owner;
  auto deployments = api.deps().deployments->list();
  if (!deployments) return deployments.error();
  std::vector<std::string> out;
  for (const auto& d : *deployments) {
    auto owner = app_owner.find(d.app);
    const bool via_app = owner != app_owner.end() && apps_seen->sees(d.app, owner->second);
    if (via_app || deployments_seen->sees(d.label, d.owner)) out.push_back(d.label);
  }
  std::sort(out.begin(), out.end());
  return Out{std::move(out)};
}

Result<bool> call_deployment_readable(const ApiService& api, const Principal& who,
                                      const std::string& deployment) {
  if (who.role == store::Role::kAdmin || !api.deps().teams) return true;
  if (deployment.empty()) return false;
  auto d = api.deps().deployments->get(deployment);
  if (!d) return d.error();
  if (!*d) return false;  // a config-file deployment's call, or one since deleted: admins only
  if ((*d)->owner == who.email) return true;
  auto app = api.deps().apps->get((*d)->app);
  if (!app) return app.error();
  if (*app && (*app)->owner == who.email) return true;
  auto deployments_seen = visibility(api, who, kDeploymentKind);
  if (!deployments_seen) return deployments_seen.error();
  if (deployments_seen->sees(deployment, (*d)->owner)) return true;
  if (!*app) return false;
  auto apps_seen = visibility(api, who, kAppKind);
  if (!apps_seen) return apps_seen.error();
  return apps_seen->sees((*app)->name, (*app)->owner);
}

bool call_readable(const std::optional<std::vector<std::string>>& readable,
                   const std::string& deployment) {
  if (!readable) return true;
  return !deployment.empty() && std::binary_search(readable->begin(), readable->end(), deployment);
}

}  // namespace keyline::api
