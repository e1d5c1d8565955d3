// The retention job: a background thread that, once per interval, deletes
// call-log detail entries older than `detail_days` and whole call logs older
// than `summary_days` (0 keeps them forever). run_once is the whole policy, so
// tests call it with a chosen time instead of waiting.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "base/result.h"
#include "store/call_log_store.h"
#include "store/recordings.h"

namespace keyline::store {

struct RetentionPolicy {
  int detail_days = 30;
  int summary_days = 0;
  int recordings_days = 0;  // recordings: files and rows (recording branch)
};

struct RetentionOutcome {
  std::int64_t details_removed = 0;
  std::int64_t calls_removed = 0;
  std::int64_t recordings_removed = 0;  // rows removed (their files deleted if still there)
};

// `recordings` may be null (no recordings metadata): then recordings_days does nothing.
Result<RetentionOutcome> apply_retention(CallLogStore& store, const RetentionPolicy& policy,
                                         std::int64_t now_unix_ms,
                                         RecordingRepository* recordings = nullptr);

class RetentionJob {
 public:
  using Report = std::function<void(const Result<RetentionOutcome>&)>;
  RetentionJob(CallLogStore& store, RetentionPolicy policy, std::chrono::milliseconds interval,
               Report report, RecordingRepository* recordings = nullptr);
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
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace keyline::store
