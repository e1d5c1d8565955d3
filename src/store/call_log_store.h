// Call logs in SQLite (the embedded default store), WAL mode so `keyline logs`
// can read while the server writes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "privacy/policy.h"
#include "store/call_record.h"

struct sqlite3;

namespace keyline::store {

class CallLogStore {
 public:
  // Every text field written is redacted with `policy` at write time (the
  // call id excepted: the server generates it and it is the key).
  static Result<std::unique_ptr<CallLogStore>> open(const std::string& path,
                                                    privacy::RedactionPolicy policy = {});
  ~CallLogStore();
  CallLogStore(const CallLogStore&) = delete;
  CallLogStore& operator=(const CallLogStore&) = delete;

  Status write(const CallRecord& record);
  Result<std::vector<CallRecord>> list(int limit) const;  // newest first
  Result<std::optional<CallRecord>> get(const std::string& call_id) const;

 private:
  CallLogStore(sqlite3* db, privacy::RedactionPolicy policy);
  Status load_visits(CallRecord& record) const;

  sqlite3* db_;
  privacy::RedactionPolicy policy_;
};

}  // namespace keyline::store
