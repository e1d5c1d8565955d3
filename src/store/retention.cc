#include "store/retention.h"

#include <filesystem>

namespace keyline::store {

Result<RetentionOutcome> apply_retention(CallLogStore& store, const RetentionPolicy& policy,
                                         std::int64_t now_unix_ms,
                                         RecordingRepository* recordings) {
  constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
  RetentionOutcome out;
  if (policy.detail_days > 0) {
    auto removed = store.purge_details_before(now_unix_ms - policy.detail_days * kDayMs);
    if (!removed) return removed.error();
    out.details_removed = *removed;
  }
  if (policy.summary_days > 0) {
    auto removed = store.purge_calls_before(now_unix_ms - policy.summary_days * kDayMs);
    if (!removed) return removed.error();
    out.calls_removed = *removed;
  }
  if (policy.recordings_days > 0 && recordings) {
    auto removed = recordings->purge_before(now_unix_ms - policy.recordings_days * kDayMs);
    if (!removed) return removed.error();
    for (const auto& r : *removed) {
      // A file already gone (uploaded, deleted by the API) is no error.
      std::error_code ec;
      if (!r.deleted) std::filesystem::remove(r.path, ec);
    }
    out.recordings_removed = static_cast<std::int64_t>(removed->size());
  }
  return out;
}

RetentionJob::RetentionJob(CallLogStore& store, RetentionPolicy policy,
                           std::chrono::milliseconds interval, Report report,
                           RecordingRepository* recordings)
    : store_(store),
      recordings_(recordings),
      policy_(policy),
      interval_(interval),
      report_(std::move(report)),
      thread_([this] { run(); }) {}

RetentionJob::~RetentionJob() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void RetentionJob::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    lock.unlock();
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    auto outcome = apply_retention(store_, policy_, now, recordings_);
    if (report_) report_(outcome);
    lock.lock();
    wake_.wait_for(lock, interval_, [&] { return stopping_; });
  }
}

}  // namespace keyline::store
