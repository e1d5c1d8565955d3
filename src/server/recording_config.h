// The `recording:` section of the server config: where recordings are kept. Whole-call
// recording itself is an app setting (settings.record_call); the Record module needs nothing
// here (docs/configuration.md, docs/media.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "server/privacy_config.h"

namespace keyline::server {

struct RecordingSettings {
  // Made (or tightened) to 0700 before the first recording; files in it are 0600.
  // Empty in the config: <data_dir>/recordings.
  std::string directory;
};

// Reads `node` (a mapping, or undefined for the defaults). A relative directory resolves
// against base_dir; with none given, <data_dir>/recordings (data_dir already resolved).
void read_recording_config(const YAML::Node& node, const std::string& base_dir,
                           const std::string& data_dir, RecordingSettings& out,
                           const ConfigFail& fail);

}  // namespace keyline::server
