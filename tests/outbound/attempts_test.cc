// The queue's model per attempt (Plum's): completed after an answer; busy / no answer / error
// re-queue after reattempt_wait while attempts and the window last, else fail; a final call
// has its result POST pending and a secure call's parameters wiped.
#include <gtest/gtest.h>

#include "outbound/attempts.h"

namespace keyline::outbound {
namespace {

using store::OutboundStatus;

store::OutboundCall dialling(int attempts, int max_attempts) {
  store::OutboundCall c;
  c.id = "c1";
  c.parameters = R"({"patient":"Ada"})";
  c.attempts = attempts;
  c.max_attempts = max_attempts;
  c.reattempt_wait_s = 120;
  c.status = OutboundStatus::kDialing;
  c.result_url = "https://example.com/result";
  return c;
}

TEST(Attempts, AnsweredThenEndedIsCompletedWithDurationAndResultPending) {
  auto c = dialling(1, 3);
  mark_connected(c, "session-1", 10'000);
  EXPECT_EQ(c.status, OutboundStatus::kConnected);
  finish_attempt(c, AttemptOutcome::kCompleted, 25'400);
  EXPECT_EQ(c.status, OutboundStatus::kCompleted);
  EXPECT_EQ(talk_seconds(c), 15);
  EXPECT_TRUE(c.result_pending);
  ASSERT_EQ(c.session_ids.size(), 1u);
  EXPECT_EQ(c.session_ids[0], "session-1");
  ASSERT_GE(c.events.size(), 2u);
  EXPECT_EQ(c.events[c.events.size() - 2].event, "connected");
  EXPECT_EQ(c.events.back().event, "disconnected");
  EXPECT_EQ(c.parameters, R"({"patient":"Ada"})");  // not secure: kept
}

TEST(Attempts, BusyRequeuesAfterTheWaitUntilAttemptsRunOut) {
  auto c = dialling(1, 2);
  finish_attempt(c, AttemptOutcome::kBusy, 1'000);
  EXPECT_EQ(c.status, OutboundStatus::kQueued);
  EXPECT_EQ(c.next_attempt_unix_ms, 1'000 + 120'000);
  EXPECT_FALSE(c.result_pending);
  EXPECT_EQ(c.last_result, "busy");
  c.attempts = 2;  // the dialer's claim counts the second attempt
  finish_attempt(c, AttemptOutcome::kNoAnswer, 200'000);
  EXPECT_EQ(c.status, OutboundStatus::kFailed);
  EXPECT_EQ(c.last_result, "noanswer");
  EXPECT_TRUE(c.result_pending);
  EXPECT_EQ(c.events.back().event, "failed");
  EXPECT_EQ(talk_seconds(c), 0);
}

TEST(Attempts, NoRetryPastTheEndOfTheWindow) {
  auto c = dialling(1, 5);
  c.end_unix_ms = 100'000;
  finish_attempt(c, AttemptOutcome::kError, 1'000);  // next would be 121 s: past the end
  EXPECT_EQ(c.status, OutboundStatus::kFailed);
}

TEST(Attempts, SecureCallsLoseTheirParametersWhenFinal) {
  auto c = dialling(1, 2);
  c.secure = true;
  finish_attempt(c, AttemptOutcome::kBusy, 1'000);
  EXPECT_EQ(c.parameters, R"({"patient":"Ada"})");  // still needed for the next attempt
  c.attempts = 2;
  finish_attempt(c, AttemptOutcome::kBusy, 130'000);
  EXPECT_EQ(c.parameters, "{}");
  auto gone = dialling(1, 1);
  gone.secure = true;
  fail_call(gone, "no_deployment", 5);
  EXPECT_EQ(gone.status, OutboundStatus::kFailed);
  EXPECT_EQ(gone.parameters, "{}");
  EXPECT_EQ(gone.last_result, "no_deployment");
}

TEST(Attempts, NoResultPostWithoutAUrl) {
  auto c = dialling(1, 1);
  c.result_url.clear();
  finish_attempt(c, AttemptOutcome::kBusy, 1);
  EXPECT_EQ(c.status, OutboundStatus::kFailed);
  EXPECT_FALSE(c.result_pending);
}

}  // namespace
}  // namespace keyline::outbound
