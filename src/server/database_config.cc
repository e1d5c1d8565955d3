#include "server/database_config.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace keyline::server {

bool url_has_password(const std::string& url) {
  if (url.find("password=") != std::string::npos) return true;
  auto scheme = url.find("://");
  if (scheme == std::string::npos) return false;
  auto at = url.find('@', scheme + 3);
  if (at == std::string::npos) return false;
  auto slash = url.find('/', scheme + 3);
  if (slash != std::string::npos && slash < at) return false;
  return url.substr(scheme + 3, at - scheme - 3).find(':') != std::string::npos;
}

void read_database_config(const YAML::Node& node, const std::string& base_dir,
                          DatabaseSettings& out, const ConfigFail& fail) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    fail(node, "database", "must be a mapping");
    return;
  }
  YAML::Node password_node;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key != "url" && key != "password" && key != "pool_size") {
      fail(it->first, "database." + key, "unknown key (known: url, password, pool_size)");
    } else if (key == "pool_size") {
      int n = 0;
      if (!YAML::convert<int>::decode(it->second, n) || n < 1 || n > 64)
        fail(it->second, "database.pool_size", "must be an integer from 1 to 64");
      else
        out.pool_size = n;
    } else if (!it->second.IsScalar() || it->second.Scalar().empty()) {
      fail(it->second, "database." + key, "must be a non-empty string");
    } else if (key == "url") {
      out.url = it->second.Scalar();
    } else {
      password_node = it->second;
    }
  }
  if (!out.url.empty() && out.url.rfind("postgresql://", 0) != 0 &&
      out.url.rfind("postgres://", 0) != 0)
    fail(node["url"], "database.url", "must start with postgresql:// (SQLite needs no url)");
  out.url_has_password = url_has_password(out.url);
  if (!password_node.IsDefined()) return;
  if (out.url.empty()) fail(password_node, "database.password", "needs database.url");
  // Only env: or file:, so the config file itself never holds the password.
  const std::string spec = password_node.Scalar();
  if (spec.rfind("env:", 0) == 0) {
    const char* value = std::getenv(spec.c_str() + 4);
    if (!value || !*value)
      fail(password_node, "database.password",
           "environment variable " + spec.substr(4) + " is not set");
    else
      out.password = value;
  } else if (spec.rfind("file:", 0) == 0) {
    std::filesystem::path path = spec.substr(5);
    if (path.is_relative() && !base_dir.empty()) path = std::filesystem::path(base_dir) / path;
    out.password_file = path.string();
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) {
      fail(password_node, "database.password", "cannot read " + out.password_file);
      return;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) fail(password_node, "database.password", out.password_file + " is empty");
    out.password = line;
  } else {
    fail(password_node, "database.password",
         "must be env:VARIABLE or file:PATH (never the password itself)");
  }
}

}  // namespace keyline::server
