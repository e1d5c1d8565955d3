// `keyline graph`: an app as Graphviz DOT — one cluster per page, one node per module, one
// labelled edge per exit, option or condition — so builders can see what they made.
#pragma once

#include <string>

#include "flow/app_document.h"

namespace keyline::flow {

std::string app_to_dot(const AppDocument& app);

}  // namespace keyline::flow
