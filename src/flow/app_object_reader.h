// Internal to the app loader (included only by its .cc files, so yaml-cpp stays out of the
// public headers): reading one JSON object of an app document through yaml-cpp.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "flow/app_diagnostics.h"

namespace keyline::flow {

// The 1-based position yaml-cpp recorded for a node.
SourcePos pos_of(const YAML::Node& node);

// yaml-cpp tags a quoted scalar "!" and a plain one (number, true, null) "?".
inline bool is_json_string(const YAML::Node& node) { return node.IsScalar() && node.Tag() == "!"; }
inline bool is_plain_scalar(const YAML::Node& node) { return node.IsScalar() && node.Tag() != "!"; }

// A JSON object being read. It remembers which keys the reader asked for, so that every other
// key can be reported: a misspelt "promt" must be an error, not a silently missing prompt.
class ObjectReader {
 public:
  // Reports a non-object and duplicate keys (at the second occurrence).
  ObjectReader(const YAML::Node& node, std::string what, AppDiagnostics& diagnostics);

  bool is_object() const { return is_object_; }
  SourcePos pos() const { return pos_of(node_); }
  const std::string& what() const { return what_; }

  // The value for `key`, if present. Every key a reader understands must be asked for before
  // finish(), present or not, so that finish() can list the known keys.
  std::optional<YAML::Node> get(std::string_view key);
  // As get(), and reports the key missing.
  std::optional<YAML::Node> required(std::string_view key);
  // Reports keys nobody asked for.
  void finish();

 private:
  struct Entry {
    std::string key;
    YAML::Node key_node;
    YAML::Node value;
    bool used;
  };
  YAML::Node node_;
  std::string what_;
  AppDiagnostics& diagnostics_;
  bool is_object_ = false;
  std::vector<Entry> entries_;
  std::vector<std::string> known_;
};

}  // namespace keyline::flow
