// The retention job: a background thread that, once per interval, deletes
// call-log detail entries older than `detail_days`, whole call logs older
// than `summary_days`, and (issue 9) audit entries, finished outbound calls
// and undelivered post-call requests older than their own limits (0 keeps
// them forever). apply_retention is the whole policy, so tests call it with a
// chosen time instead of waiting.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "base/result.h"
#include "store/call_log_store.h"
#include "store/retention_targets.h"
#include "store/recordings.h"

namespace keyline::store {

struct RetentionPolicy {
  int detail_days = 30;
  int summary_days = 0;
  // ---- Retention per entity (issue 9); each needs RetentionTargets ----
  int audit_days = 0;
  int outbound_days = 0;
  int post_call_days = 0;
  int recordings_days = 0;  // recordings: files and rows (recording branch)
};

struct RetentionOutcome {
  std::int64_t details_removed = 0;
  std::int64_t calls_removed = 0;
  std::int64_t audit_removed = 0;
  std::int64_t outbound_removed = 0;
  std::int64_t post_call_removed = 0;
  std::int64_t recordings_removed = 0;  // rows removed (their files deleted if still there)
};

// `targets` may be null: only the call-log limits apply then. `recordings` may be null (no
// recordings metadata): then recordings_days does nothing. Every limit is tried even when an
// earlier one fails; the first failure is returned.
Result<RetentionOutcome> apply_retention(CallLogStore& store, const RetentionPolicy& policy,
                                         std::int64_t now_unix_ms,
                                         RetentionTargets* targets = nullptr,
                                         RecordingRepository* recordings = nullptr);

class RetentionJob {
 public:
  using Report = std::function<void(const Result<RetentionOutcome>&)>;
  RetentionJob(CallLogStore& store, RetentionPolicy policy, std::chrono::milliseconds interval,
               Report report, std::unique_ptr<RetentionTargets> targets = nullptr,
               RecordingRepository* recordings = nullptr);
  ~RetentionJob();  // wakes the thread and joins it
  RetentionJob(const RetentionJob&) = delete;
  RetentionJob& operator=(const RetentionJob&) = delete;

 private:
  void run();

  CallLogStore& store_;
  RecordingRepository* recordings_;
  RetentionPolicy policy_;
  std::chrono::milliseconds interval_;
  Report report_;
  std::unique_ptr<RetentionTargets> targets_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace keyline::store
