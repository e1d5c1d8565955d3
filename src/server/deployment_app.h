// `keyline test` and `keyline simulate` with --config FILE --deployment NAME run the app as
// that deployment runs it. A secure deployment's app is meant for real callers' card numbers
// and health details, so the tools refuse it unless --synthetic says the keys given are test
// data; they then run the secure variant, so what they print is masked as its call logs are.
#pragma once

#include <memory>
#include <string>

#include "base/result.h"
#include "flow/app_document.h"

namespace keyline::server {

// Error kinds: "config"/"app" (the config or an app did not load), "deployment" (no such
// deployment), "secure" (a secure deployment without `synthetic`).
Result<std::shared_ptr<const flow::AppDocument>> app_for_deployment(const std::string& config_path,
                                                                    const std::string& deployment,
                                                                    bool synthetic);

}  // namespace keyline::server
