// Reports over the call logs: calls per hour or day (count, answered, duration average and
// percentiles, dispositions, transfer rate) and per-module visit / no-input / no-match counts.
// The stores return raw figures (one sample per call, counts per module); the bucketing and
// percentiles are computed here once for both backends. Only module names, types, times and
// exit-reason classes leave: never a visit's result text, which may hold what a caller entered.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace keyline::store {

// Calls whose start time is in [from, to), optionally of one app and/or one deployment.
struct ReportFilter {
  std::int64_t from_unix_ms = 0;
  std::int64_t to_unix_ms = INT64_MAX;
  std::string app;
  std::string deployment;
  // Access (issue 9): set, only calls routed by these deployments (empty: none).
  std::optional<std::vector<std::string>> deployments;
};

struct CallSample {
  std::int64_t start_unix_ms = 0;
  std::int64_t answer_unix_ms = 0;  // 0: never answered
  std::int64_t end_unix_ms = 0;
  std::string exit_reason;
  bool transferred = false;  // a Transfer module connected the caller (done or disconnected after)
};

struct ModuleCounts {
  std::string page;
  std::string module;
  std::string type;
  std::int64_t visits = 0;
  std::int64_t noinput = 0;  // the module took its noinput exit (after its retries)
  std::int64_t nomatch = 0;
};

class ReportRepository {
 public:
  virtual ~ReportRepository() = default;
  // At most `limit` samples (oldest first); more than that is an error of kind "too-large", so a
  // report is never silently computed over part of its range.
  virtual Result<std::vector<CallSample>> call_samples(const ReportFilter& filter,
                                                       std::int64_t limit) = 0;
  // Sorted by page, then module.
  virtual Result<std::vector<ModuleCounts>> module_counts(const ReportFilter& filter) = 0;
};

struct CallBucket {
  std::int64_t start_unix_ms = 0;  // the bucket's first millisecond (UTC)
  std::int64_t calls = 0;
  std::int64_t answered = 0;
  std::int64_t transferred = 0;
  // Over answered calls, answer to end, in ms; 0 when none was answered.
  double average_ms = 0;
  std::int64_t p50_ms = 0;
  std::int64_t p90_ms = 0;
  std::int64_t p99_ms = 0;
  // Exit reasons by class: the text before the first ':' ("bye", "error", "transferred").
  std::map<std::string, std::int64_t> dispositions;
};

// Groups `samples` into buckets of `bucket_ms` (3,600,000 or 86,400,000) aligned to the unix
// epoch (UTC), oldest first; buckets without calls are left out. Percentiles are nearest-rank.
std::vector<CallBucket> bucket_calls(const std::vector<CallSample>& samples,
                                     std::int64_t bucket_ms);
// The same figures over every sample (start_unix_ms is the first sample's bucket-less start).
CallBucket summarize_calls(const std::vector<CallSample>& samples);
// "bye:200" → "bye"; "" → "unknown".
std::string disposition_class(const std::string& exit_reason);

}  // namespace keyline::store
