#include "server/stored_deployment_app.h"

#include <filesystem>

#include "store/backend.h"

namespace keyline::server {

Result<std::optional<std::shared_ptr<const flow::AppDocument>>> stored_app_for_deployment(
    const Config& config, const std::string& label, bool synthetic) {
  using Found = std::optional<std::shared_ptr<const flow::AppDocument>>;
  const std::string sqlite = (std::filesystem::path(config.data_dir) / "keyline.db").string();
  // Opening SQLite creates the file: a missing one simply holds no deployment.
  if (config.database.url.empty() && !std::filesystem::exists(sqlite)) return Found{};
  auto backend = store::open_backend(
      store::BackendSettings{sqlite, config.database.url, config.database.password, 1});
  if (!backend) return backend.error();
  auto d = (*backend)->deployments()->get(label);
  if (!d) return d.error();
  if (!*d) return Found{};
  const std::string what = "stored deployment '" + label + "'";
  if ((*d)->secure && !synthetic)
    return make_error("secure", "deployment '" + label +
                                    "' is secure: it runs only with --synthetic, which says the "
                                    "keys given are test data and not a real caller's");
  auto apps = (*backend)->apps();
  int revision = (*d)->revision;
  if (revision == 0) {
    auto app = apps->get((*d)->app);
    if (!app) return app.error();
    if (!*app) return make_error("deployment", what + ": no app named '" + (*d)->app + "'");
    revision = (*app)->latest_revision;
  }
  auto stored = apps->revision((*d)->app, revision);
  if (!stored) return stored.error();
  if (!*stored)
    return make_error("deployment", what + ": app '" + (*d)->app + "' has no revision " +
                                        std::to_string(revision));
  auto parsed = flow::parse_app((*stored)->document, (*d)->app + ".json");
  if (!parsed) return make_error("app", what + ": " + parsed.error().message);
  if ((*d)->secure)
    return Found{std::make_shared<const flow::AppDocument>(flow::as_secure_deployment(*parsed))};
  return Found{std::make_shared<const flow::AppDocument>(std::move(*parsed))};
}

}  // namespace keyline::server
