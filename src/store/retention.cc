#include "store/retention.h"

#include <filesystem>
#include <optional>

namespace keyline::store {

Result<RetentionOutcome> apply_retention(CallLogStore& store, const RetentionPolicy& policy,
                                         std::int64_t now_unix_ms, RetentionTargets* targets,
                                         RecordingRepository* recordings) {
  constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
  RetentionOutcome out;
  std::optional<Error> first_error;
  // One table failing (a lock timeout, say) must not stop the others' deletes.
  auto apply = [&](int days, std::int64_t& removed_out, auto&& purge) {
    if (days <= 0) return;
    auto removed = purge(now_unix_ms - static_cast<std::int64_t>(days) * kDayMs);
    if (!removed) {
      if (!first_error) first_error = removed.error();
      return;
    }
    removed_out = *removed;
  };
  apply(policy.detail_days, out.details_removed,
        [&](std::int64_t cutoff) { return store.purge_details_before(cutoff); });
  apply(policy.summary_days, out.calls_removed,
        [&](std::int64_t cutoff) { return store.purge_calls_before(cutoff); });
  if (targets) {
    apply(policy.audit_days, out.audit_removed,
          [&](std::int64_t cutoff) { return targets->purge_audit_before(cutoff); });
    apply(policy.outbound_days, out.outbound_removed,
          [&](std::int64_t cutoff) { return targets->purge_outbound_before(cutoff); });
    apply(policy.post_call_days, out.post_call_removed,
          [&](std::int64_t cutoff) { return targets->purge_post_call_before(cutoff); });
  }
  if (policy.recordings_days > 0 && recordings) {
    auto removed = recordings->purge_before(now_unix_ms - policy.recordings_days * kDayMs);
    if (!removed) {
      if (!first_error) first_error = removed.error();
    } else {
      for (const auto& r : *removed) {
        // A file already gone (uploaded, deleted by the API) is no error.
        std::error_code ec;
        if (!r.deleted) std::filesystem::remove(r.path, ec);
      }
      out.recordings_removed = static_cast<std::int64_t>(removed->size());
    }
  }
  if (first_error) return *first_error;
  return out;
}

RetentionJob::RetentionJob(CallLogStore& store, RetentionPolicy policy,
                           std::chrono::milliseconds interval, Report report,
                           std::unique_ptr<RetentionTargets> targets,
                           RecordingRepository* recordings)
    : store_(store),
      recordings_(recordings),
      policy_(policy),
      interval_(interval),
      report_(std::move(report)),
      targets_(std::move(targets)),
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
    auto outcome = apply_retention(store_, policy_, now, targets_.get(), recordings_);
    if (report_) report_(outcome);
    lock.lock();
    wake_.wait_for(lock, interval_, [&] { return stopping_; });
  }
}

}  // namespace keyline::store
