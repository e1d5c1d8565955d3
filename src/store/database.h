// The one adapter over SQLite: the only file that includes sqlite3.h. A
// Database is one connection (WAL, busy timeout, foreign keys on) whose calls
// are serialised by a mutex, so the call-log writer, the retention job and the
// API threads may share it; Statement is a prepared statement with typed binds.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace keyline::store {

class Database;

class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  void bind(int index, std::string_view value);
  void bind(int index, std::int64_t value);
  void bind_null(int index);
  void bind_blob(int index, std::string_view bytes);  // binary-safe (prompt audio)
  void reset();  // ready to bind and step again
  // SQLITE_ROW → true, SQLITE_DONE → false, anything else → Error.
  Result<bool> step();
  Status run();  // step() expecting no row
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;
  std::string blob(int column) const;

 private:
  friend class Database;
  Statement(Database& db, sqlite3_stmt* stmt) : db_(&db), stmt_(stmt) {}
  Database* db_;
  sqlite3_stmt* stmt_;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Callers hold this lock for the length of one logical operation (prepare,
  // step, read) so statements from different threads never interleave.
  std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mutex_); }

  Result<Statement> prepare(std::string_view sql);
  Status exec(const std::string& sql);  // several statements, no results
  // BEGIN IMMEDIATE, run `body`, COMMIT when it succeeds, ROLLBACK when not.
  // Nested calls use savepoints inside the outer transaction.
  Status transaction(const std::function<Status()>& body);
  std::int64_t last_insert_id() const;
  int changes() const;
  Error error(const std::string& what) const;
  const std::string& path() const { return path_; }

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_;
  std::string path_;
  std::recursive_mutex mutex_;
  int depth_ = 0;  // open transactions on this connection (guarded by mutex_)
};

}  // namespace keyline::store
