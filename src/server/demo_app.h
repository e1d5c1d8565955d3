// The demo app (examples/apps/demo.json), compiled into the binary so that
// `keyline serve` works with no files beside it.
#pragma once

#include <string_view>

namespace keyline::server {
std::string_view demo_app_json();
}
