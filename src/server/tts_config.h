// The `tts:` section of the server config: the prompt cache's memory and
// disk tiers (docs/configuration.md, docs/speech.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "server/privacy_config.h"
#include "speech/tts_cache.h"

namespace keyline::server {

// Reads `node` (a mapping, or undefined for the defaults) into `cache`.
// disk_dir is returned as written; the caller resolves it against the
// config file's folder.
void read_tts_config(const YAML::Node& node, speech::TtsCacheConfig& cache, const ConfigFail& fail);

}  // namespace keyline::server
