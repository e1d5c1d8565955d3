// The post-call queue's retry schedule: exponential, capped, jittered within its bounds.
#include <gtest/gtest.h>

#include "services/retry_backoff.h"

namespace keyline::services {
namespace {

using std::chrono::milliseconds;

TEST(RetryBackoff, DoublesFromTheInitialWaitWithoutJitter) {
  BackoffSettings s;
  s.initial = milliseconds(1000);
  s.max = milliseconds(300000);
  s.jitter = 0;
  EXPECT_EQ(retry_delay(s, 1, 0.7), milliseconds(1000));
  EXPECT_EQ(retry_delay(s, 2, 0.7), milliseconds(2000));
  EXPECT_EQ(retry_delay(s, 3, 0.7), milliseconds(4000));
  EXPECT_EQ(retry_delay(s, 9, 0.7), milliseconds(256000));
}

TEST(RetryBackoff, NeverWaitsLongerThanTheCapEvenAfterManyFailures) {
  BackoffSettings s;
  s.initial = milliseconds(1000);
  s.max = milliseconds(300000);
  for (int failures : {10, 11, 50, 1000, 1 << 30}) {
    for (double r : {0.0, 0.5, 0.999999}) {
      const auto d = retry_delay(s, failures, r);
      EXPECT_LE(d, s.max) << failures << " " << r;
      EXPECT_GE(d, s.max / 2) << failures << " " << r;  // equal jitter: at least half
    }
  }
}

TEST(RetryBackoff, JitterSpreadsTheWaitBetweenHalfAndAllOfIt) {
  BackoffSettings s;
  s.initial = milliseconds(4000);
  s.jitter = 0.5;
  EXPECT_EQ(retry_delay(s, 1, 0.0), milliseconds(2000));
  EXPECT_EQ(retry_delay(s, 1, 0.5), milliseconds(3000));
  EXPECT_EQ(retry_delay(s, 1, 1.0), milliseconds(4000));
  // Two draws give two different waits: calls that failed together come back apart.
  EXPECT_NE(retry_delay(s, 3, 0.1), retry_delay(s, 3, 0.9));
}

TEST(RetryBackoff, OutOfRangeInputsStayInsideTheBounds) {
  BackoffSettings s;
  s.initial = milliseconds(0);
  s.max = milliseconds(0);
  s.multiplier = -3;
  s.jitter = 7;
  EXPECT_EQ(retry_delay(s, 0, -1.0), milliseconds(1));
  EXPECT_EQ(retry_delay(s, -5, 2.0), milliseconds(1));
}

}  // namespace
}  // namespace keyline::services
