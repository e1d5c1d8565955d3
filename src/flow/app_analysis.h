// The whole-app checks of `keyline validate`, run over a document that parse_app accepted:
// modules no call can reach, and variables a module reads before any path to it has set them
// (a forward "definitely set" data-flow analysis over the module graph). They are separate
// from parse_app so a server can still load an app with a dead module, while builders see
// every such problem before they deploy.
#pragma once

#include <string>
#include <vector>

#include "flow/app_document.h"

namespace keyline::flow {

struct AppProblem {
  SourcePos pos;
  std::string message;
};

std::vector<AppProblem> analyze_app(const AppDocument& app);

// One successor of a module in the flow graph, for the analysis and for `keyline graph`.
struct FlowEdge {
  std::string label;  // the exit ("next", "success", "1", "row 2", "fall through")
  const Page* page = nullptr;
  const Module* module = nullptr;
  std::vector<std::string> sets;  // variables (or prefixes, "name$") set along this edge
};

// Every text of a REST module that may hold {{placeholders}} (URL, header values, form
// values, body, auth), for the analysis and the privacy audit.
std::vector<std::string> rest_texts(const RestSettings& settings);

// Every text of an Email, SMS or SOAP module that may hold {{placeholders}} (empty for other
// types).
std::vector<std::string> service_texts(const Module& module);

std::vector<FlowEdge> flow_edges(const AppDocument& app, const Page& page, std::size_t index);

}  // namespace keyline::flow
