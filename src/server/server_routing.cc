// The Server's routing table: built from the config at start, rebuilt with the stored
// deployments at start and whenever the API changes them (docs/api.md, "How calls are routed"),
// and posted to every worker (worker_routing.cc).
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

std::shared_ptr<const RoutingTable> Server::start_routing() {
  auto routes = build_routes();
  routing_live_ = true;
  logger_.info("routing", "routing table " + std::to_string(routing_version_) + " in use: " +
                              std::to_string(routes->routes().size()) + " deployment(s)");
  return routes;
}

void Server::reload_routes() {
  std::lock_guard lock(reload_mutex_);
  if (!routing_live_) return;  // the first table, built at start, reads the database anyway
  auto table = build_routes();
  for (auto& worker : workers_) worker->set_routes(table, routing_version_);
}

}  // namespace keyline::server
