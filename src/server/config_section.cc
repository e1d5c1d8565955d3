#include "server/config_section.h"

#include <filesystem>

namespace keyline::server {

std::string resolve_config_path(const std::string& base_dir, const std::string& path) {
  if (path.empty() || base_dir.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(base_dir) / path).lexically_normal().string();
}

bool only_config_keys(const YAML::Node& map, const std::string& path,
                      std::initializer_list<std::string_view> allowed, const ConfigFail& fail) {
  bool ok = true;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool known = false;
    for (auto a : allowed) known = known || key == a;
    if (!known) {
      fail(kv.first, path + "." + key, "unknown key");
      ok = false;
    }
  }
  return ok;
}

}  // namespace keyline::server
