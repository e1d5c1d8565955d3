// Call logs in SQLite (the embedded default store), WAL mode so `keyline logs`
// can read while the server writes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/call_record.h"

struct sqlite3;

namespace keyline::store {

class CallLogStore {
 public:
  static Result<std::unique_ptr<CallLogStore>> open(const std::string& path);
  ~CallLogStore();
  CallLogStore(const CallLogStore&) = delete;
  CallLogStore& operator=(const CallLogStore&) = delete;

  Status write(const CallRecord& record);
  Result<std::vector<CallRecord>> list(int limit) const;  // newest first
  Result<std::optional<CallRecord>> get(const std::string& call_id) const;

 private:
  explicit CallLogStore(sqlite3* db);
  Status load_visits(CallRecord& record) const;

  sqlite3* db_;
};

}  // namespace keyline::store
