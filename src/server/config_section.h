// Helpers the readers of the server config's sections share (http:, email:, sms:).
#pragma once

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "server/privacy_config.h"

namespace keyline::server {

// `path` relative to the config file's folder `base_dir` (absolute paths and an empty
// `base_dir` leave it as it is).
std::string resolve_config_path(const std::string& base_dir, const std::string& path);

// Reports every key of the mapping `map` (at dotted `path`) that is not in `allowed`; true
// when there was none.
bool only_config_keys(const YAML::Node& map, const std::string& path,
                      std::initializer_list<std::string_view> allowed, const ConfigFail& fail);

}  // namespace keyline::server
