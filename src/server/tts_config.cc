#include "server/tts_config.h"

#include <optional>

namespace keyline::server {
namespace {

// A whole number in [min, max], or a reported problem.
std::optional<std::uint64_t> whole(const YAML::Node& map, const char* key, std::uint64_t min,
                                   std::uint64_t max, const ConfigFail& fail) {
  const YAML::Node n = map[key];
  if (!n.IsDefined()) return std::nullopt;
  const std::string path = std::string("tts.cache.") + key;
  std::uint64_t v = 0;
  if (!n.IsScalar() || !YAML::convert<std::uint64_t>::decode(n, v) || n.Scalar().front() == '-' ||
      v < min || v > max) {
    fail(n, path,
         "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
    return std::nullopt;
  }
  return v;
}

}  // namespace

void read_tts_config(const YAML::Node& node, speech::TtsCacheConfig& cache,
                     const ConfigFail& fail) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    fail(node, "tts", "must be a mapping");
    return;
  }
  for (const auto& kv : node)
    if (kv.first.Scalar() != "cache") fail(kv.first, "tts." + kv.first.Scalar(), "unknown key");
  const YAML::Node c = node["cache"];
  if (!c.IsDefined() || c.IsNull()) return;
  if (!c.IsMap()) {
    fail(c, "tts.cache", "must be a mapping");
    return;
  }
  for (const auto& kv : c) {
    const std::string key = kv.first.Scalar();
    if (key != "memory_entries" && key != "memory_mb" && key != "disk_dir" &&
        key != "disk_max_mb" && key != "disk_ttl_hours")
      fail(kv.first, "tts.cache." + key, "unknown key");
  }
  if (auto v = whole(c, "memory_entries", 0, 1000000, fail)) cache.memory_entries = *v;
  if (auto v = whole(c, "memory_mb", 1, 65536, fail)) cache.memory_bytes = *v << 20;
  if (auto v = whole(c, "disk_max_mb", 1, 1048576, fail)) cache.disk_max_bytes = *v << 20;
  if (auto v = whole(c, "disk_ttl_hours", 1, 87600, fail)) cache.disk_ttl = std::chrono::hours(*v);
  if (const YAML::Node d = c["disk_dir"]; d.IsDefined() && !d.IsNull()) {
    if (!d.IsScalar())
      fail(d, "tts.cache.disk_dir", "must be a path (or empty for no disk tier)");
    else
      cache.disk_dir = d.Scalar();
  }
}

}  // namespace keyline::server
