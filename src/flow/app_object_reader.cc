#include "flow/app_object_reader.h"

#include <set>

namespace keyline::flow {

SourcePos pos_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

ObjectReader::ObjectReader(const YAML::Node& node, std::string what, AppDiagnostics& diagnostics)
    : node_(node), what_(std::move(what)), diagnostics_(diagnostics) {
  if (!node.IsMap()) {
    diagnostics_.add(pos_of(node), what_ + " must be an object { ... }");
    return;
  }
  is_object_ = true;
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      diagnostics_.add(pos_of(it->first), "duplicate key " + single_quoted(key) + " in " + what_);
      continue;
    }
    entries_.push_back(Entry{key, it->first, it->second, false});
  }
}

std::optional<YAML::Node> ObjectReader::get(std::string_view key) {
  known_.emplace_back(key);
  for (auto& entry : entries_) {
    if (entry.key == key) {
      entry.used = true;
      return entry.value;
    }
  }
  return std::nullopt;
}

std::optional<YAML::Node> ObjectReader::required(std::string_view key) {
  auto value = get(key);
  if (!value && is_object_)
    diagnostics_.add(pos(), what_ + " is missing the required key " + single_quoted(key));
  return value;
}

void ObjectReader::finish() {
  for (const auto& entry : entries_) {
    if (entry.used) continue;
    std::string list;
    for (const auto& k : known_) list += (list.empty() ? "" : ", ") + k;
    diagnostics_.add(pos_of(entry.key_node), "unknown key " + single_quoted(entry.key) + " in " +
                                                 what_ + " (known keys: " + list + ")");
  }
}

}  // namespace keyline::flow
