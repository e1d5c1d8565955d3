#include <algorithm>
#include <cmath>

#include "store/reports.h"

namespace keyline::store {
namespace {

// Nearest rank: the smallest value with at least p% of the values at or below it.
std::int64_t percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

void add(CallBucket& b, const CallSample& s, std::vector<std::int64_t>& durations) {
  ++b.calls;
  if (s.transferred) ++b.transferred;
  ++b.dispositions[disposition_class(s.exit_reason)];
  if (s.answer_unix_ms > 0 && s.end_unix_ms >= s.answer_unix_ms) {
    ++b.answered;
    durations.push_back(s.end_unix_ms - s.answer_unix_ms);
  }
}

void finish(CallBucket& b, std::vector<std::int64_t>& durations) {
  if (durations.empty()) return;
  std::sort(durations.begin(), durations.end());
  double sum = 0;
  for (auto d : durations) sum += static_cast<double>(d);
  b.average_ms = sum / static_cast<double>(durations.size());
  b.p50_ms = percentile(durations, 50);
  b.p90_ms = percentile(durations, 90);
  b.p99_ms = percentile(durations, 99);
}

// Floor division, so calls before 1970 (test data) still land in their own bucket.
std::int64_t bucket_start(std::int64_t t, std::int64_t size) {
  std::int64_t q = t / size;
  if (t % size != 0 && t < 0) --q;
  return q * size;
}

}  // namespace

std::string disposition_class(const std::string& exit_reason) {
  if (exit_reason.empty()) return "unknown";
  return exit_reason.substr(0, exit_reason.find(':'));
}

std::vector<CallBucket> bucket_calls(const std::vector<CallSample>& samples,
                                     std::int64_t bucket_ms) {
  std::map<std::int64_t, std::pair<CallBucket, std::vector<std::int64_t>>> buckets;
  for (const auto& s : samples) {
    const std::int64_t start = bucket_start(s.start_unix_ms, bucket_ms);
    auto& [bucket, durations] = buckets[start];
    bucket.start_unix_ms = start;
    add(bucket, s, durations);
  }
  std::vector<CallBucket> out;
  out.reserve(buckets.size());
  for (auto& [start, entry] : buckets) {
    finish(entry.first, entry.second);
    out.push_back(std::move(entry.first));
  }
  return out;
}

CallBucket summarize_calls(const std::vector<CallSample>& samples) {
  CallBucket b;
  std::vector<std::int64_t> durations;
  for (const auto& s : samples) add(b, s, durations);
  if (!samples.empty()) b.start_unix_ms = samples.front().start_unix_ms;
  finish(b, durations);
  return b;
}

}  // namespace keyline::store
