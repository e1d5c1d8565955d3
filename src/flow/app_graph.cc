#include "flow/app_graph.h"

#include "flow/app_analysis.h"

namespace keyline::flow {
namespace {

// DOT string literal: names are identifiers already, but page names and labels may hold
// anything a builder typed.
std::string dot_quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

std::string node_id(const Page& page, const Module& module) {
  return dot_quoted(page.name + "/" + module.name);
}

}  // namespace

std::string app_to_dot(const AppDocument& app) {
  std::string out = "digraph " + dot_quoted(app.name) + " {\n  rankdir=TB;\n  node [shape=box];\n";
  const Page* start = app.find_page(app.start_page);
  if (start && !start->modules.empty()) {
    out += "  \"start\" [shape=circle, label=\"start\"];\n";
    out += "  \"start\" -> " + node_id(*start, start->modules.front()) + ";\n";
  }
  std::size_t cluster = 0;
  for (const auto& page : app.pages) {
    out += "  subgraph cluster_" + std::to_string(cluster++) +
           " {\n    label=" + dot_quoted(page.name) + ";\n";
    for (const auto& module : page.modules) {
      out += "    " + node_id(page, module) + " [label=" +
             dot_quoted(module.name + "\n(" + std::string(module_type_name(module.type())) + ")") +
             (module.is_private ? ", style=dashed" : "") + "];\n";
    }
    out += "  }\n";
  }
  for (const auto& page : app.pages) {
    for (std::size_t i = 0; i < page.modules.size(); ++i) {
      for (const auto& edge : flow_edges(app, page, i)) {
        out += "  " + node_id(page, page.modules[i]) + " -> " + node_id(*edge.page, *edge.module) +
               " [label=" + dot_quoted(edge.label) + "];\n";
      }
    }
  }
  return out + "}\n";
}

}  // namespace keyline::flow
