// Checks shared by the route files: the app and deployment routes and the
// import (export_routes.cc), so an import accepts exactly what the single
// writes accept.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api/api_service.h"
#include "api/json.h"
#include "api/problem.h"
#include "store/repositories.h"

namespace keyline::api {

// Names of apps, deployments and variables: 1-64 letters, digits, '_', '-'.
bool valid_name(std::string_view name);

// Why an app document cannot be stored; `items` empty when it can. The same
// checks as PUT /v1/apps/{name}: it parses (file:line:col problems), its
// name matches, and a secure app passes the privacy audit.
struct AppProblems {
  std::string title;
  std::string detail;
  std::vector<ProblemItem> items;
};
AppProblems check_app_document(const std::string& name, const std::string& document);

// Reads a deployment body into `d` (no created/updated); problems as JSON
// pointers. `label_from_path` is set for PUT. The app (and trunk) is looked up through
// deps.apps (deps.trunks), so inside a transaction it sees apps written earlier in it.
std::vector<ProblemItem> read_deployment(const ApiDependencies& deps, const Json& body,
                                         const std::string* label_from_path,
                                         store::DeploymentRecord& d);
Json deployment_json(const store::DeploymentRecord& d);

}  // namespace keyline::api
