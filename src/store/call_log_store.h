// Call logs in SQLite (the embedded default store), WAL mode so `keyline logs`
// and the API can read while the server writes.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
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
};

class CallLogStore {
 public:
  // Opens (and migrates) the database file at `path`. Every text field
  // written is redacted with `policy` at write time (the call id excepted:
  // the server generates it and it is the key).
  static Result<std::unique_ptr<CallLogStore>> open(const std::string& path,
                                                    privacy::RedactionPolicy policy = {});
  explicit CallLogStore(std::shared_ptr<Database> db, privacy::RedactionPolicy policy = {})
      : db_(std::move(db)), policy_(std::move(policy)) {}

  Status write(const CallRecord& record);
  Result<std::vector<CallRecord>> list(int limit) const;  // newest first, with details
  Result<std::vector<CallRecord>> query(const CallQuery& q) const;
  Result<std::optional<CallRecord>> get(const std::string& call_id) const;

  // Retention: drops detail entries of calls that ended before `cutoff`, and
  // whole calls that ended before `summary_cutoff`. Returns rows removed.
  Result<std::int64_t> purge_details_before(std::int64_t cutoff_unix_ms);
  Result<std::int64_t> purge_calls_before(std::int64_t cutoff_unix_ms);

 private:
  Status load_visits(CallRecord& record) const;

  std::shared_ptr<Database> db_;
  privacy::RedactionPolicy policy_;
};

}  // namespace keyline::store
