// `keyline graph --svg` and GET /v1/apps/{name}/graph: Graphviz DOT laid out and drawn as SVG by
// Graphviz's own library (libgvc: the "dot" layout and the core SVG renderer), so Keyline does
// not reimplement graph layout. This file and its .cc are the only users of Graphviz headers.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace keyline::flow {

// Lays out `dot` (a digraph, as app_to_dot writes) and returns the SVG document. Fails (kind
// "graph") when the text does not parse or Graphviz's layout or SVG plugin is missing.
// Thread-safe: calls are serialised (Graphviz keeps global state of its own).
Result<std::string> dot_to_svg(std::string_view dot);

}  // namespace keyline::flow
