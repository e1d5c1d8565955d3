// The Server's routing table: built from the config at start, rebuilt with the stored
// deployments at start and whenever the API changes them (docs/api.md, "How calls are routed").
#include <string>

#include "server/server.h"

namespace keyline::server {

void Server::build_config_routes() {
  for (const auto& d : config_.deployments) {
    auto route = std::make_shared<RoutedDeployment>();
    route->deployment = d;
    route->app = d.secure ? secure_apps_.at(d.app) : apps_.at(d.app);
    route->prompts = prompt_audio_[d.app];
    config_routes_.push_back(std::move(route));
  }
}

std::shared_ptr<const RoutingTable> Server::build_routes() {
  auto table = std::make_shared<RoutingTable>();
  // Config deployments go first: on an equal match (the same number, or patterns of the same
  // length) the config file wins, so a file-managed number cannot be taken over through the API.
  for (const auto& route : config_routes_) table->add(route);
  auto stored = load_stored_routes(*stored_deployments_, *stored_apps_, voices_);
  for (const auto& problem : stored.problems) logger_.error("routing", problem);
  for (const auto& route : stored.routes) {
    // Said on every build, so an operator sees why a stored number never answers.
    for (const auto& number : route->deployment.numbers)
      for (const auto& config_route : config_routes_)
        for (const auto& config_number : config_route->deployment.numbers)
          if (number == config_number)
            logger_.warn("routing", "stored deployment '" + route->deployment.name + "': number " +
                                        number + " is served by config deployment '" +
                                        config_route->deployment.name + "'");
    table->add(route);
  }
  ++routing_version_;
  return table;
}

void Server::start_routing() {
  std::lock_guard lock(reload_mutex_);
  routes_ = build_routes();
  routing_live_ = true;
  logger_.info("routing", "routing table " + std::to_string(routing_version_) + " in use: " +
                              std::to_string(routes_->routes().size()) + " deployment(s)");
}

void Server::reload_routes() {
  std::lock_guard lock(reload_mutex_);
  if (!routing_live_) return;  // the first table, built at start, reads the database anyway
  auto table = build_routes();
  const std::uint64_t version = routing_version_;
  loop_->post([this, table = std::move(table), version] {
    routes_ = table;
    logger_.info("routing", "routing table " + std::to_string(version) + " in use: " +
                                std::to_string(table->routes().size()) + " deployment(s)");
  });
}

Result<std::shared_ptr<const flow::AppDocument>> Server::find_sub_app(std::string_view name,
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
