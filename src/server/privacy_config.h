// The `privacy:` section of the server config: the redaction policy every log
// line and call-log entry is written with (docs/security.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <string>

#include "privacy/policy.h"

namespace keyline::server {

// Reports one problem at a node: (node, dotted path, message).
using ConfigFail =
    std::function<void(const YAML::Node& node, const std::string& path, const std::string& msg)>;

// Reads `node` (a mapping, or undefined for the defaults) into `policy` and
// `core_dumps`.
void read_privacy_config(const YAML::Node& node, privacy::RedactionPolicy& policy, bool& core_dumps,
                         const ConfigFail& fail);

}  // namespace keyline::server
