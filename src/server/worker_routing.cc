// A worker's routing table (the server builds each one: server_routing.cc) and Go To App's
// lookup of the apps it serves.
#include "server/worker.h"

namespace keyline::server {

void Worker::set_routes(std::shared_ptr<const RoutingTable> table, std::uint64_t version) {
  loop_->post([this, table = std::move(table), version] {
    routes_ = table;
    if (index_ == 0)
      logger_.info("routing", "routing table " + std::to_string(version) + " in use: " +
                                  std::to_string(table->routes().size()) + " deployment(s)");
  });
}

Result<std::shared_ptr<const flow::AppDocument>> Worker::find_sub_app(std::string_view name,
                                                                      int revision,
                                                                      bool secure) const {
  const std::string key(name);
  std::shared_ptr<const flow::AppDocument> found;
  if (revision == 0) {
    if (auto it = apps_.find(key); it != apps_.end()) found = it->second;
  }
  if (!found && routes_) {
    int best = 0;
    for (const auto& route : routes_->routes()) {
      if (!route->stored || route->deployment.app != key || !route->app) continue;
      const bool wanted = revision != 0 ? route->revision == revision : route->revision > best;
      if (!wanted) continue;
      found = route->app;
      best = route->revision;
    }
  }
  if (!found)
    return make_error("app", "no app '" + key + "'" +
                                 (revision ? " at revision " + std::to_string(revision) : "") +
                                 " is served here (config apps, and stored apps a deployment "
                                 "runs)");
  // A secure deployment's sub-app is as secure as the deployment: every value private.
  if (secure) {
    if (auto it = secure_apps_.find(key); revision == 0 && it != secure_apps_.end())
      return it->second;
    return std::shared_ptr<const flow::AppDocument>(
        std::make_shared<flow::AppDocument>(flow::as_secure_deployment(*found)));
  }
  return found;
}

}  // namespace keyline::server
