// The one adapter over libpq: the only file that includes libpq-fe.h. A
// PgConnection is one connection to a PostgreSQL server whose calls are
// serialised by a mutex (like Database for SQLite), so the API threads and
// the routing reload may share it. Every query is sent with its values as
// separate parameters ($1, $2, ...): no value is ever spliced into SQL text.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

struct pg_conn;
struct pg_result;

namespace keyline::store {

// One query's rows, read as text (PostgreSQL's text format) and converted on access.
class PgResult {
 public:
  explicit PgResult(pg_result* result) : result_(result, &clear) {}

  int rows() const;
  std::string text(int row, int column) const;
  std::int64_t integer(int row, int column) const;  // 0 when NULL or not a number
  bool boolean(int row, int column) const;          // PostgreSQL's "t"/"f"
  std::int64_t affected() const;                    // rows an INSERT/UPDATE/DELETE touched

 private:
  static void clear(pg_result* result);
  std::unique_ptr<pg_result, void (*)(pg_result*)> result_;
};

// A parameter: text, a 64-bit integer, or NULL.
struct PgParam {
  PgParam(std::string_view v) : value(std::string(v)) {}
  PgParam(const std::string& v) : value(v) {}
  PgParam(const char* v) : value(std::string(v)) {}
  PgParam(std::int64_t v) : value(std::to_string(v)) {}
  PgParam(int v) : value(std::to_string(v)) {}
  PgParam(bool v) : value(v ? "true" : "false") {}
  PgParam(std::nullopt_t) {}
  std::optional<std::string> value;
};

class PgConnection {
 public:
  // `url` is a libpq connection URI or keyword string (sslmode and the other
  // parameters pass through as written); a non-empty `password` overrides the
  // one in the URL, so it can come from a file or the environment instead.
  // Fails with kind "store" and libpq's reason, the password never included.
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& url,
                                                       const std::string& password = {});
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mutex_); }

  // Runs one statement with its parameters. A unique-key or foreign-key
  // violation is Error kind "constraint"; anything else kind "store".
  Result<PgResult> query(std::string_view sql, const std::vector<PgParam>& params = {});
  Status exec(std::string_view sql, const std::vector<PgParam>& params = {});
  // Several statements without parameters (migrations).
  Status exec_script(const std::string& sql);
  // BEGIN, run `body`, COMMIT when it succeeds, ROLLBACK when not. Nested
  // calls (a repository's own transaction inside an import) use savepoints.
  Status transaction(const std::function<Status()>& body);
  // "postgresql://user@host:port/db" for logs: never the password.
  const std::string& describe() const { return description_; }

 private:
  PgConnection(pg_conn* conn, std::string description)
      : conn_(conn), description_(std::move(description)) {}
  Status ensure_connected();

  pg_conn* conn_;
  std::string description_;
  std::recursive_mutex mutex_;
  int depth_ = 0;  // open transactions (savepoints beyond the first)
};

}  // namespace keyline::store
