#include "store/retention.h"

namespace keyline::store {

Result<RetentionOutcome> apply_retention(CallLogStore& store, const RetentionPolicy& policy,
                                         std::int64_t now_unix_ms) {
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
  return out;
}

RetentionJob::RetentionJob(CallLogStore& store, RetentionPolicy policy,
                           std::chrono::milliseconds interval, Report report)
    : store_(store),
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
    auto outcome = apply_retention(store_, policy_, now);
    if (report_) report_(outcome);
    lock.lock();
    wake_.wait_for(lock, interval_, [&] { return stopping_; });
  }
}

}  // namespace keyline::store
