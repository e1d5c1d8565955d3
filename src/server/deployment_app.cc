#include "server/deployment_app.h"

#include "server/server.h"
#include "server/stored_deployment_app.h"

namespace keyline::server {

Result<std::shared_ptr<const flow::AppDocument>> app_for_deployment(const std::string& config_path,
                                                                    const std::string& deployment,
                                                                    bool synthetic) {
  auto config = load_config(config_path);
  if (!config) return config.error();
  const Deployment* found = nullptr;
  for (const auto& d : config->deployments) {
    if (d.name == deployment) found = &d;
  }
  if (!found) {
    // Not in the file: a deployment stored through the API, in the configured database.
    auto stored = stored_app_for_deployment(*config, deployment, synthetic);
    if (!stored) return stored.error();
    if (*stored) return **stored;
    return make_error("deployment", config_path + ": no deployment named '" + deployment +
                                        "' in the file or the database");
  }
  if (found->secure && !synthetic)
    return make_error("secure", "deployment '" + deployment +
                                    "' is secure: it runs only with --synthetic, which says the "
                                    "keys given are test data and not a real caller's");
  auto apps = load_apps(*config);
  if (!apps) return apps.error();
  auto app = apps->at(found->app);
  if (!found->secure) return app;
  return std::shared_ptr<const flow::AppDocument>(
      std::make_shared<flow::AppDocument>(flow::as_secure_deployment(*app)));
}

}  // namespace keyline::server
