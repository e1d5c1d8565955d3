// The one adapter over SQLite: the only file that includes sqlite3.h. A
// Database is one connection (WAL, busy timeout, foreign keys on) whose calls
// are serialised by a mutex, so the call-log writer, the retention job and the
// API threads may share it; Statement is a prepared statement with typed binds.
//
// Two things keep reads cheap (docs/benchmarks.md, "API: GET one detailed call
// log"):
//   - each connection keeps its prepared statements, keyed by SQL text:
//     prepare() hands out an idle one when it has it, and a Statement going
//     out of scope is reset, has its bindings cleared and goes back to the
//     cache instead of being finalized (they are finalized when the
//     connection closes);
//   - read() leases one of a few read-only connections to the same file, so
//     readers (the API threads) neither queue on this connection's mutex nor
//     wait for the writer: WAL lets them read the last commit beside it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

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
  ~Statement();  // back to its connection's cache (reset, bindings cleared)

  void bind(int index, std::string_view value);
  void bind(int index, std::int64_t value);
  void bind_null(int index);
  void bind_blob(int index, std::string_view bytes);  // binary-safe (prompt audio)
  void reset();                                       // ready to bind and step again
  // SQLITE_ROW → true, SQLITE_DONE → false, anything else → Error.
  Result<bool> step();
  Status run();  // step() expecting no row
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;
  std::string blob(int column) const;

 private:
  friend class Database;
  using Idle = std::vector<sqlite3_stmt*>;
  // `idle`: the cache slot this statement returns to; null: finalized instead.
  Statement(Database& db, sqlite3_stmt* stmt, Idle* idle) : db_(&db), stmt_(stmt), idle_(idle) {}
  Database* db_;
  sqlite3_stmt* stmt_;
  Idle* idle_;
};

// Steps a statement to its end and makes a T of each row with `read(statement)`, which reads
// that row's columns. The first step error ends it.
template <typename T, typename Read>
Result<std::vector<T>> all_rows(Statement& s, Read read) {
  std::vector<T> out;
  for (;;) {
    auto row = s.step();
    if (!row) return row.error();
    if (!*row) return out;
    out.push_back(read(s));
  }
}

class ReadLease;

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Callers hold this lock for the length of one logical operation (prepare,
  // step, read) so statements from different threads never interleave.
  std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mutex_); }

  // A connection to read with for the length of one logical operation: a
  // read-only connection of its own when one is free, else this one, locked.
  // A thread inside transaction() always reads on this connection, so it sees
  // its own uncommitted writes.
  ReadLease read();
  // How many read-only connections read() may open (0: always this one).
  // Defaults to kDefaultReaders for a file; an in-memory database has none.
  void set_reader_limit(int readers);
  static constexpr int kDefaultReaders = 4;

  Result<Statement> prepare(std::string_view sql);
  Status exec(const std::string& sql);  // several statements, no results
  // BEGIN IMMEDIATE, run `body`, COMMIT when it succeeds, ROLLBACK when not.
  // Nested calls use savepoints inside the outer transaction.
  Status transaction(const std::function<Status()>& body);
  std::int64_t last_insert_id() const;
  int changes() const;
  Error error(const std::string& what) const;
  const std::string& path() const { return path_; }
  // Prepared statements held by this connection's cache (tests, metrics).
  std::size_t cached_statements() const;
  bool read_only() const { return read_only_; }

  // Distinct SQL texts cached at most; statements past that are finalized
  // after use (queries built with a variable number of placeholders).
  static constexpr std::size_t kMaxCachedSql = 256;

 private:
  friend class Statement;
  friend class ReadLease;
  Database(sqlite3* db, std::string path, bool read_only)
      : db_(db), path_(std::move(path)), read_only_(read_only) {}
  static Result<std::unique_ptr<Database>> open_reader(const std::string& path);
  void release(sqlite3_stmt* stmt, Statement::Idle* idle);
  void give_back(std::unique_ptr<Database> reader);

  sqlite3* db_;
  std::string path_;
  bool read_only_;
  std::recursive_mutex mutex_;
  int depth_ = 0;  // open transactions on this connection (guarded by mutex_)
  // The thread whose transaction is open (default id: none).
  std::atomic<std::thread::id> transaction_thread_{};

  mutable std::mutex cache_mutex_;
  std::unordered_map<std::string, Statement::Idle> cache_;  // SQL text → idle statements

  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Database>> idle_readers_;
  int readers_open_ = 0;  // idle and leased
  int reader_limit_ = 0;
};

// One connection borrowed by read(): a pooled read-only one (given back when
// the lease ends) or the main one under its lock.
class ReadLease {
 public:
  ReadLease(ReadLease&&) noexcept = default;
  ReadLease& operator=(ReadLease&&) = delete;
  ~ReadLease();
  Database& operator*() const { return *conn_; }
  Database* operator->() const { return conn_; }

 private:
  friend class Database;
  ReadLease(Database& pool, std::unique_ptr<Database> reader)
      : pool_(&pool), reader_(std::move(reader)), conn_(reader_.get()) {}
  ReadLease(Database& main, std::unique_lock<std::recursive_mutex> lock)
      : pool_(nullptr), lock_(std::move(lock)), conn_(&main) {}
  Database* pool_;
  std::unique_ptr<Database> reader_;
  std::unique_lock<std::recursive_mutex> lock_;
  Database* conn_;
};

}  // namespace keyline::store
