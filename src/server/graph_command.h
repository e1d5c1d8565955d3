// `keyline graph APP.json [--svg | --format dot|svg] [--out FILE]`: the app's flow as Graphviz
// DOT (the default) or as SVG laid out by Graphviz (pages as clusters, exits as labelled edges).
// Only module names, types and exit names are drawn: never prompts, values or URLs.
#pragma once

#include <ostream>

namespace keyline::server {

// Exit status: 0 written, 1 the app or the renderer failed, 2 a usage error.
int run_graph_command(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace keyline::server
