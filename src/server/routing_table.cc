#include "server/routing_table.h"

#include <limits>

#include "server/app_voices.h"
#include "server/secure_deployment.h"
#include "server/stored_app_prompts.h"

namespace keyline::server {
namespace {

// How well `number` matches `called`: -1 not at all, the prefix length for a pattern, and more
// than any prefix for an exact match.
int match_score(const std::string& number, const std::string& called) {
  if (number == called) return std::numeric_limits<int>::max();
  if (number.empty() || number.back() != '*') return -1;
  const std::string_view prefix(number.data(), number.size() - 1);
  if (called.compare(0, prefix.size(), prefix) != 0 || called.size() < prefix.size()) return -1;
  return static_cast<int>(prefix.size());
}

Result<std::shared_ptr<const RoutedDeployment>> route_for(const store::DeploymentRecord& d,
                                                          store::AppRepository& apps,
                                                          const speech::VoiceCatalog& voices,
                                                          std::vector<std::string>& problems) {
  const std::string what = "stored deployment '" + d.label + "'";
  int revision = d.revision;
  if (revision == 0) {
    auto app = apps.get(d.app);
    if (!app) return app.error();
    if (!*app) return make_error("deployment", what + ": no app named '" + d.app + "'");
    revision = (*app)->latest_revision;
  }
  auto stored = apps.revision(d.app, revision);
  if (!stored) return stored.error();
  if (!*stored)
    return make_error("deployment",
                      what + ": app '" + d.app + "' has no revision " + std::to_string(revision));
  // The API validated the document when it was stored; it is parsed again because a newer
  // binary may read it differently, and a call must never run what does not parse now.
  auto parsed = flow::parse_app((*stored)->document, d.app + ".json");
  if (!parsed) return make_error("app", what + ": " + parsed.error().message);
  if (auto audited = check_secure_audit(*parsed, what); !audited) return audited.error();
  std::string voice_errors;
  for (const auto& problem : check_app_voices(*parsed, voices)) voice_errors += "\n" + problem;
  if (!voice_errors.empty()) return make_error("app", what + ":" + voice_errors);

  auto route = std::make_shared<RoutedDeployment>();
  route->deployment.name = d.label;
  route->deployment.numbers = d.numbers;
  route->deployment.app = d.app;
  route->deployment.secure = d.secure;
  route->deployment.trunk = d.trunk;
  route->stored = true;
  route->revision = revision;
  route->variables = d.variables;
  if (d.secure) {
    auto secure = flow::as_secure_deployment(*parsed);
    if (auto audited = check_secure_audit(secure, what); !audited) return audited.error();
    route->app = std::make_shared<flow::AppDocument>(std::move(secure));
  } else {
    route->app = std::make_shared<flow::AppDocument>(std::move(*parsed));
  }
  // Recorded prompts of stored apps come from the database (uploads), never from a path on this
  // server's disk; a missing or bad upload is a problem, and that prompt is spoken instead.
  auto prompts = load_stored_app_prompts(apps, d.app, *route->app);
  route->prompts = std::move(prompts.audio);
  for (auto& p : prompts.problems) problems.push_back(std::move(p));
  return std::shared_ptr<const RoutedDeployment>(std::move(route));
}

}  // namespace

void RoutingTable::add(std::shared_ptr<const RoutedDeployment> route) {
  routes_.push_back(std::move(route));
}

std::shared_ptr<const RoutedDeployment> RoutingTable::find(const std::string& called) const {
  std::shared_ptr<const RoutedDeployment> best;
  int best_score = -1;
  for (const auto& route : routes_) {
    for (const auto& number : route->deployment.numbers) {
      const int score = match_score(number, called);
      if (score > best_score) {
        best_score = score;
        best = route;
      }
    }
  }
  return best;
}

StoredRoutes load_stored_routes(store::DeploymentRepository& deployments,
                                store::AppRepository& apps, const speech::VoiceCatalog& voices) {
  StoredRoutes out;
  auto all = deployments.list();
  if (!all) {
    out.problems.push_back("stored deployments could not be read: " + all.error().message);
    return out;
  }
  for (const auto& d : *all) {
    auto route = route_for(d, apps, voices, out.problems);
    if (route)
      out.routes.push_back(std::move(*route));
    else
      out.problems.push_back(route.error().message);
  }
  return out;
}

}  // namespace keyline::server
