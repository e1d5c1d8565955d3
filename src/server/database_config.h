// The `database:` section of the server config: where apps, deployments,
// users, API keys and the audit log live. Absent: SQLite at
// <data_dir>/keyline.db. With `url`: PostgreSQL (docs/configuration.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "server/privacy_config.h"

namespace keyline::server {

struct DatabaseSettings {
  // A libpq URI: postgresql://user@host:5432/db?sslmode=verify-full&sslrootcert=...
  // Every parameter (sslmode included) passes through to libpq as written.
  std::string url;
  // From `password: env:VAR` or `password: file:PATH` (first line), resolved
  // at load; never written in the config itself.
  std::string password;
  std::string password_file;      // the resolved PATH of file:PATH (a secret file)
  bool url_has_password = false;  // the config file then holds a secret
  // PostgreSQL connections kept open (store/pg_connection.h), 1-64.
  int pool_size = 4;
};

// Reads `node` (a mapping, or undefined for SQLite). Relative file: paths
// resolve against base_dir. Errors never include a password.
void read_database_config(const YAML::Node& node, const std::string& base_dir,
                          DatabaseSettings& out, const ConfigFail& fail);

// True when `url` names a password ("postgresql://user:secret@host/db" or
// "password=" in a keyword string).
bool url_has_password(const std::string& url);

}  // namespace keyline::server
