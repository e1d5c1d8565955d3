// The two backends the repository contract tests run against. SQLite gets a
// temp file; PostgreSQL gets a fresh database of its own on the server named
// by KEYLINE_TEST_POSTGRES_URL (postgresql://user:pass@host:port, no path),
// which tests/integration/pg_store_test.sh sets after starting a throwaway
// cluster. Without it the PostgreSQL cases are skipped (ctest shows them so).
#pragma once

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "store/backend.h"
#include "store/pg_connection.h"

namespace keyline::store {

struct SqliteMaker {
  static constexpr const char* kName = "Sqlite";
  static bool available() { return true; }
  Result<std::shared_ptr<Backend>> open() {
    char tmpl[] = "/tmp/keyline-contract-XXXXXX";
    dir_ = mkdtemp(tmpl);
    return open_backend(BackendSettings{dir_ + "/keyline.db", "", ""});
  }
  Result<std::shared_ptr<Backend>> reopen() {
    return open_backend(BackendSettings{dir_ + "/keyline.db", "", ""});
  }
  void close() { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

struct PostgresMaker {
  static constexpr const char* kName = "Postgres";
  static bool available() { return std::getenv("KEYLINE_TEST_POSTGRES_URL") != nullptr; }
  Result<std::shared_ptr<Backend>> open() {
    base_ = std::getenv("KEYLINE_TEST_POSTGRES_URL");
    // Letters and digits only: a database name is an identifier, which
    // PostgreSQL cannot take as a query parameter.
    std::random_device rd;
    name_ = "keyline_t_" + std::to_string(::getpid()) + "_" + std::to_string(rd() % 1000000000u);
    auto admin = PgConnection::connect(base_ + "/postgres");
    if (!admin) return admin.error();
    if (auto st = (*admin)->exec("CREATE DATABASE " + name_); !st) return st.error();
    return open_postgres_backend(base_ + "/" + name_, "");
  }
  Result<std::shared_ptr<Backend>> reopen() {
    return open_postgres_backend(base_ + "/" + name_, "");
  }
  void close() {
    if (name_.empty()) return;
    auto admin = PgConnection::connect(base_ + "/postgres");
    if (admin) (void)(*admin)->exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  }
  std::string base_;
  std::string name_;
};

}  // namespace keyline::store
