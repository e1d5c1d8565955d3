// Call logs: written at hang-up by the writer thread, read by `keyline logs`
// and the API, trimmed by the retention job. SQLite (the embedded default,
// WAL mode so readers never block the writer) and PostgreSQL
// (pg_repositories.h) implement it; backend.h picks one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "privacy/policy.h"
#include "store/call_record.h"
#include "store/database.h"

namespace keyline::store {

// A page of calls: newest first, in [from_unix_ms, to_unix_ms) by start time,
// optionally only those whose from/to URI holds `number`, of one app, or whose
// exit reason is `disposition` (exactly, or before a ":status" suffix).
struct CallQuery {
  std::int64_t from_unix_ms = 0;
  std::int64_t to_unix_ms = INT64_MAX;
  std::string number;
  std::string app;
  std::string disposition;
  int limit = 50;
  bool with_details = false;
  // Keyset cursor: continue after this (start, call_id), exclusive.
  std::optional<std::pair<std::int64_t, std::string>> after;
  // Access (issue 9): set, only calls routed by these deployments (empty: none).
  std::optional<std::vector<std::string>> deployments;
};

class CallLogStore {
 public:
  // Opens (and migrates) the SQLite file at `path`. Every text field
  // written is redacted with `policy` at write time (the call id excepted:
  // the server generates it and it is the key).
  static Result<std::unique_ptr<CallLogStore>> open(const std::string& path,
                                                    privacy::RedactionPolicy policy = {});
  virtual ~CallLogStore() = default;

  // A call and its visits, all or nothing; a duplicate call id fails.
  virtual Status write(const CallRecord& record) = 0;
  // Several calls in one transaction, so a burst of hang-ups costs one commit
  // (one WAL sync) rather than one each. Each call is still all or nothing on
  // its own (a savepoint), so a bad record fails alone. One status per record.
  std::vector<Status> write_batch(std::span<const CallRecord> records);
  Result<std::vector<CallRecord>> list(int limit) const;  // newest first, with details
  virtual Result<std::vector<CallRecord>> query(const CallQuery& q) const = 0;
  virtual Result<std::optional<CallRecord>> get(const std::string& call_id) const = 0;

  // Retention: drops detail entries of calls that ended before `cutoff`, and
  // whole calls that ended before `summary_cutoff`. Returns rows removed.
  virtual Result<std::int64_t> purge_details_before(std::int64_t cutoff_unix_ms) = 0;
  virtual Result<std::int64_t> purge_calls_before(std::int64_t cutoff_unix_ms) = 0;

 protected:
  // The backend's outer transaction around write_batch's writes.
  virtual Status in_transaction(const std::function<Status()>& body) { return body(); }
};

// The SQLite store over an open (migrated) database; redacts with `policy`.
std::unique_ptr<CallLogStore> make_sqlite_call_logs(std::shared_ptr<Database> db,
                                                    privacy::RedactionPolicy policy = {});

}  // namespace keyline::store
