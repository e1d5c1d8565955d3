// Which calls a caller may read (issue 9: sharing for call logs and reports). Calls are
// matched through the deployment that routed them (recorded with each call log): a caller
// sees the calls of every stored deployment they may see (access.h: own, shared directly or
// through a team), and of every stored deployment that runs an app they may see. Admins (and
// a service without a team repository) see every call. Calls no stored deployment routed
// (config-file deployments, calls logged before deployments were recorded, deployments since
// deleted) are visible to admins only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/access.h"

namespace keyline::api {

// nullopt: every call. Else the labels of the deployments whose calls `who` may read (sorted;
// possibly empty).
Result<std::optional<std::vector<std::string>>> readable_call_deployments(const ApiService& api,
                                                                          const Principal& who);

// Whether `who` may read one call routed by `deployment`: the same rule as above, for one
// deployment (its row, its app's and the caller's shares) instead of every app and deployment.
Result<bool> call_deployment_readable(const ApiService& api, const Principal& who,
                                      const std::string& deployment);

// Whether a call routed by `deployment` is in `readable` (as returned above).
bool call_readable(const std::optional<std::vector<std::string>>& readable,
                   const std::string& deployment);

}  // namespace keyline::api
