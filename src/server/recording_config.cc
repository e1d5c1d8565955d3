#include "server/recording_config.h"

#include <filesystem>

namespace keyline::server {

void read_recording_config(const YAML::Node& node, const std::string& base_dir,
                           const std::string& data_dir, RecordingSettings& out,
                           const ConfigFail& fail) {
  std::string dir;
  if (node.IsDefined() && !node.IsNull()) {
    if (!node.IsMap()) {
      fail(node, "recording", "must be a mapping");
      return;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "directory" && it->second.IsScalar()) {
        dir = it->second.Scalar();
      } else if (key == "directory") {
        fail(it->second, "recording.directory", "must be a path");
      } else {
        fail(it->first, "recording." + key, "unknown key (known: directory)");
      }
    }
  }
  if (dir.empty()) {
    out.directory = (std::filesystem::path(data_dir) / "recordings").string();
  } else if (std::filesystem::path(dir).is_absolute() || base_dir.empty()) {
    out.directory = dir;
  } else {
    out.directory = (std::filesystem::path(base_dir) / dir).string();
  }
}

}  // namespace keyline::server
