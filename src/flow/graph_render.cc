#include "flow/graph_render.h"

#include <gvc.h>

#include <mutex>

namespace keyline::flow {
namespace {

// Graphviz keeps error state, the plugin registry and layout scratch space in globals of its own,
// so no two threads may be inside it at once. The lock is the one piece of shared state here and
// exists only because the library forces it.
std::mutex& graphviz_lock() {
  static std::mutex lock;
  return lock;
}

// Releases what Graphviz allocated in every return path.
struct GraphvizSession {
  GVC_t* gvc = nullptr;
  Agraph_t* graph = nullptr;
  bool laid_out = false;
  ~GraphvizSession() {
    if (gvc && graph && laid_out) gvFreeLayout(gvc, graph);
    if (graph) agclose(graph);
    if (gvc) gvFreeContext(gvc);
  }
};

}  // namespace

Result<std::string> dot_to_svg(std::string_view dot) {
  std::lock_guard guard(graphviz_lock());
  // Parse errors go to our error value, not to stderr.
  agseterr(AGMAX);
  GraphvizSession s;
  s.gvc = gvContext();
  if (!s.gvc) return make_error("graph", "Graphviz could not start");
  const std::string text(dot);  // agmemread wants a terminated string
  s.graph = agmemread(text.c_str());
  if (!s.graph) return make_error("graph", "Graphviz could not read the DOT text");
  if (gvLayout(s.gvc, s.graph, "dot") != 0)
    return make_error("graph", "Graphviz's dot layout is unavailable (libgvc plugins missing?)");
  s.laid_out = true;
  char* data = nullptr;
  unsigned int length = 0;
  if (gvRenderData(s.gvc, s.graph, "svg", &data, &length) != 0 || !data)
    return make_error("graph", "Graphviz's SVG renderer is unavailable (libgvc plugins missing?)");
  std::string svg(data, length);
  gvFreeRenderData(data);
  return svg;
}

}  // namespace keyline::flow
