// The report arithmetic shared by both backends: buckets, nearest-rank percentiles,
// disposition classes.
#include <gtest/gtest.h>

#include "store/reports.h"

namespace keyline::store {
namespace {

CallSample sample(std::int64_t start, std::int64_t duration_ms, std::string reason = "bye:200",
                  bool transferred = false) {
  CallSample s;
  s.start_unix_ms = start;
  s.answer_unix_ms = duration_ms >= 0 ? start + 500 : 0;
  s.end_unix_ms = start + 500 + (duration_ms >= 0 ? duration_ms : 0);
  s.exit_reason = std::move(reason);
  s.transferred = transferred;
  return s;
}

constexpr std::int64_t kHour = 3'600'000;

TEST(CallReport, BucketsByHourWithNearestRankPercentiles) {
  std::vector<CallSample> samples;
  // Hour 0: durations 1..100 s; hour 2: one unanswered call.
  for (int i = 1; i <= 100; ++i) samples.push_back(sample(i * 1000, i * 1000, "bye", i <= 25));
  samples.push_back(sample(2 * kHour + 5, -1, "cancel"));
  auto buckets = bucket_calls(samples, kHour);
  ASSERT_EQ(buckets.size(), 2u) << "empty hours are left out";
  EXPECT_EQ(buckets[0].start_unix_ms, 0);
  EXPECT_EQ(buckets[0].calls, 100);
  EXPECT_EQ(buckets[0].answered, 100);
  EXPECT_EQ(buckets[0].transferred, 25);
  EXPECT_DOUBLE_EQ(buckets[0].average_ms, 50'500);
  EXPECT_EQ(buckets[0].p50_ms, 50'000);
  EXPECT_EQ(buckets[0].p90_ms, 90'000);
  EXPECT_EQ(buckets[0].p99_ms, 99'000);
  EXPECT_EQ(buckets[1].start_unix_ms, 2 * kHour);
  EXPECT_EQ(buckets[1].calls, 1);
  EXPECT_EQ(buckets[1].answered, 0);
  EXPECT_EQ(buckets[1].p99_ms, 0);
  EXPECT_EQ(buckets[1].dispositions.at("cancel"), 1);
}

TEST(CallReport, SummaryAndDispositionClassesHideDetail) {
  std::vector<CallSample> samples{sample(0, 3000, "bye:200"), sample(10, 1000, "bye:487"),
                                  sample(20, 2000, "error:transfer failed: no route"),
                                  sample(30, -1, "")};
  auto total = summarize_calls(samples);
  EXPECT_EQ(total.calls, 4);
  EXPECT_EQ(total.answered, 3);
  EXPECT_EQ(total.p50_ms, 2000);
  EXPECT_EQ(total.dispositions,
            (std::map<std::string, std::int64_t>{{"bye", 2}, {"error", 1}, {"unknown", 1}}));
  EXPECT_EQ(disposition_class("transferred"), "transferred");
  EXPECT_TRUE(bucket_calls({}, kHour).empty());
  EXPECT_EQ(summarize_calls({}).calls, 0);
}

TEST(CallReport, CallsBeforeTheEpochLandInTheirOwnBucket) {
  auto buckets = bucket_calls({sample(-1, 0), sample(0, 0)}, kHour);
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].start_unix_ms, -kHour);
}

}  // namespace
}  // namespace keyline::store
