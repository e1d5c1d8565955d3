// The one adapter over libpq: the only file that includes libpq-fe.h. A
// PgConnection is a small pool of connections to one PostgreSQL server
// (database.pool_size, default 4), so API threads, the call-log writer and
// the routing reload run their queries side by side instead of queueing on
// one socket. Each query borrows a free connection for its length; lock() and
// transaction() pin one connection to the calling thread until they end, so
// a multi-statement read or a transaction sees one session. A connection the
// server dropped (restart, pg_terminate_backend) is replaced on its next use.
// Every query is sent with its values as separate parameters ($1, $2, ...):
// no value is ever spliced into SQL text.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
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
  // While alive, the calling thread's queries all use one pooled connection.
  class Lease {
   public:
    explicit Lease(PgConnection* owner) : owner_(owner) {}
    Lease(Lease&& other) noexcept : owner_(other.owner_) { other.owner_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease() {
      if (owner_) owner_->unpin();
    }

   private:
    PgConnection* owner_;
  };

  // `url` is a libpq connection URI or keyword string (sslmode and the other
  // parameters pass through as written); a non-empty `password` overrides the
  // one in the URL, so it can come from a file or the environment instead.
  // The first connection opens now (a bad URL or login fails here); the
  // others open when concurrent use first needs them, up to `pool_size`.
  // Fails with kind "store" and libpq's reason, the password never included.
  static Result<std::unique_ptr<PgConnection>> connect(const std::string& url,
                                                       const std::string& password = {},
                                                       int pool_size = 1);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // Pins one connection to this thread for the Lease's life (nests).
  Lease lock();

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

  // For tests and metrics: the pool's size, connections open now, and how
  // many broken connections were replaced.
  int pool_size() const { return static_cast<int>(slots_.size()); }
  int open_connections() const;
  std::uint64_t replaced_connections() const;

 private:
  struct Slot {
    pg_conn* conn = nullptr;
    int depth = 0;  // open transactions (savepoints beyond the first)
    bool busy = false;
  };
  struct Pin {
    std::size_t slot = 0;
    int count = 0;
  };

  PgConnection(std::string url, std::string password, int pool_size);
  // The slot pinned to this thread (pinning a free one, waiting when none is).
  Slot& pin();
  void unpin();
  // Opens the slot's connection, or replaces it when the server dropped it
  // (never inside a transaction: its earlier statements died with it).
  Status ensure_connected(Slot& slot);
  Result<PgResult> run(Slot& slot, const std::string& sql, const std::vector<PgParam>& params);

  const std::string url_;
  const std::string password_;
  std::string description_;
  std::vector<Slot> slots_;   // fixed size; a slot belongs to the thread pinning it
  mutable std::mutex mutex_;  // guards pins_, Slot::busy and the counters
  std::condition_variable freed_;
  std::map<std::thread::id, Pin> pins_;
  std::uint64_t replaced_ = 0;
  int open_ = 0;  // slots with a connection
};

}  // namespace keyline::store
