// `keyline test|simulate --config FILE --deployment LABEL` for a deployment
// stored through the API (issue 9): the app revision it runs is read from the
// configured database (SQLite under data_dir, or database.url), so scenarios
// test exactly what calls to that deployment would run.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/result.h"
#include "flow/app_document.h"
#include "server/config.h"

namespace keyline::server {

// nullopt when the database holds no deployment of that label (or there is
// no SQLite file yet); else the app as the deployment runs it: its pinned
// revision (or the latest), the secure variant for a secure deployment —
// which needs `synthetic`, as for deployments in the config file. Error
// kinds: "store" (the database did not open), "deployment" (its app or
// revision is gone), "app" (the stored document no longer parses), "secure".
Result<std::optional<std::shared_ptr<const flow::AppDocument>>> stored_app_for_deployment(
    const Config& config, const std::string& label, bool synthetic);

}  // namespace keyline::server
