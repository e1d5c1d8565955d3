// Which deployment answers a called number: the config file's `deployments:` and the ones stored
// through the API (docs/api.md, "How calls are routed"), each with the app document a call to it
// runs. A table is immutable once built; the server swaps in a new one when the API changes
// deployments, and a call keeps the shared_ptr to its route (so its app revision) to the end.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "flow/app_document.h"
#include "server/config.h"
#include "speech/prompt_table.h"
#include "speech/voice_catalog.h"
#include "store/repositories.h"

namespace keyline::server {

struct RoutedDeployment {
  // For a stored deployment: name = label; numbers, app and secure as stored (secure ones
  // always require TLS and SRTP: there is no stored `secure_media: warn`).
  Deployment deployment;
  bool stored = false;
  int revision = 0;  // the stored app revision served (0 for config deployments)
  // The document calls run: the secure variant for a secure deployment.
  std::shared_ptr<const flow::AppDocument> app;
  std::shared_ptr<const speech::PromptAudioTable> prompts;  // may be null
  // Deployment variables: given to each call, they override the app's starting values.
  std::map<std::string, std::string> variables;
};

class RoutingTable {
 public:
  // Order matters only for ties: add config deployments first so they win them.
  void add(std::shared_ptr<const RoutedDeployment> route);
  // An exact number beats a pattern; among patterns ("44*", "*") the longest prefix wins; on a
  // tie the route added first. Null when nothing matches.
  std::shared_ptr<const RoutedDeployment> find(const std::string& called) const;
  const std::vector<std::shared_ptr<const RoutedDeployment>>& routes() const { return routes_; }

 private:
  std::vector<std::shared_ptr<const RoutedDeployment>> routes_;
};

// The stored deployments as routes, each app revision parsed, audited and voice-checked as a
// config app is at start, with their uploaded prompt audio. A deployment that fails is left out
// (its numbers get 404) and named in `problems`: a bad row must not stop the server nor the
// other deployments. A prompt upload that is missing or bad is a problem too (that prompt is
// spoken instead).
struct StoredRoutes {
  std::vector<std::shared_ptr<const RoutedDeployment>> routes;
  std::vector<std::string> problems;
};
StoredRoutes load_stored_routes(store::DeploymentRepository& deployments,
                                store::AppRepository& apps, const speech::VoiceCatalog& voices);

}  // namespace keyline::server
