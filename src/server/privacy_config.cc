#include "server/privacy_config.h"

#include <set>

namespace keyline::server {
namespace {

bool scalar(const YAML::Node& map, const char* key, std::string& out, const std::string& path,
            const ConfigFail& fail) {
  YAML::Node n = map[key];
  if (!n.IsDefined()) return false;
  if (!n.IsScalar()) {
    fail(n, path + "." + key, "must be a string");
    return false;
  }
  out = n.Scalar();
  return true;
}

void read_recognisers(const YAML::Node& node, privacy::Recognisers& r, const ConfigFail& fail) {
  if (!node.IsDefined()) return;
  if (!node.IsMap()) {
    fail(node, "privacy.recognisers", "must be a mapping of recogniser: true|false");
    return;
  }
  std::string known;
  for (auto name : privacy::recogniser_names())
    known += (known.empty() ? "" : ", ") + std::string(name);
  for (const auto& kv : node) {
    std::string name = kv.first.Scalar();
    std::string path = "privacy.recognisers." + name;
    bool on = true;
    if (!kv.second.IsScalar() || !YAML::convert<bool>::decode(kv.second, on)) {
      fail(kv.second, path, "must be true or false");
      continue;
    }
    if (!privacy::set_recogniser(r, name, on))
      fail(kv.first, path, "unknown recogniser (known: " + known + ")");
  }
}

void read_health_patterns(const YAML::Node& list, privacy::RedactionPolicy& policy,
                          const ConfigFail& fail) {
  if (!list.IsDefined()) return;
  if (!list.IsSequence()) {
    fail(list, "privacy.health_patterns", "must be a list");
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    std::string path = "privacy.health_patterns[" + std::to_string(i) + "]";
    const YAML::Node item = list[i];
    if (!item.IsMap()) {
      fail(item, path, "must be a mapping with name, pattern and optional check");
      continue;
    }
    for (const auto& kv : item) {
      std::string key = kv.first.Scalar();
      if (key != "name" && key != "pattern" && key != "check")
        fail(kv.first, path + "." + key, "unknown key");
    }
    std::string name, pattern, check = "none";
    if (!scalar(item, "name", name, path, fail) || name.empty()) {
      fail(item, path + ".name", "is required");
      continue;
    }
    if (!names.insert(name).second) fail(item["name"], path + ".name", "duplicate name");
    if (!scalar(item, "pattern", pattern, path, fail)) {
      fail(item, path + ".pattern", "is required");
      continue;
    }
    scalar(item, "check", check, path, fail);
    auto made = privacy::make_health_pattern(name, pattern, check);
    if (!made) {
      // The pattern describes identifiers, not a value: safe to name the field.
      fail(item, path, made.error().message);
      continue;
    }
    policy.health_patterns.push_back(std::move(*made));
  }
}

}  // namespace

void read_privacy_config(const YAML::Node& node, privacy::RedactionPolicy& policy, bool& core_dumps,
                         const ConfigFail& fail) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    fail(node, "privacy", "must be a mapping");
    return;
  }
  for (const auto& kv : node) {
    std::string key = kv.first.Scalar();
    if (key != "pan_mask" && key != "other_mask" && key != "recognisers" &&
        key != "health_patterns" && key != "core_dumps")
      fail(kv.first, "privacy." + key, "unknown key");
  }
  std::string pan;
  if (scalar(node, "pan_mask", pan, "privacy", fail)) {
    if (auto mask = privacy::parse_pan_mask(pan))
      policy.pan_mask = *mask;
    else
      fail(node["pan_mask"], "privacy.pan_mask", "must be one of bin_last4, last4");
  }
  std::string other;
  if (scalar(node, "other_mask", other, "privacy", fail)) {
    if (auto mask = privacy::parse_other_mask(other))
      policy.other_mask = *mask;
    else
      fail(node["other_mask"], "privacy.other_mask", "must be one of last2, placeholder");
  }
  if (YAML::Node n = node["core_dumps"]; n.IsDefined()) {
    bool on = false;
    if (n.IsScalar() && YAML::convert<bool>::decode(n, on))
      core_dumps = on;
    else
      fail(n, "privacy.core_dumps", "must be true or false");
  }
  read_recognisers(node["recognisers"], policy.recognisers, fail);
  read_health_patterns(node["health_patterns"], policy, fail);
}

}  // namespace keyline::server
