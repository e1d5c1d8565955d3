#include "io/thread_scheduling.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>

#include <thread>

namespace keyline::io {
namespace {

TEST(ThreadScheduling, PriorityOutsideTheRangeIsRefusedBeforeAsking) {
  std::thread([] {
    for (int priority : {0, 100, -5}) {
      auto result = run_thread_realtime(priority);
      ASSERT_FALSE(result) << priority;
      EXPECT_NE(result.error().message.find("outside"), std::string::npos);
    }
    EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
  }).join();
}

// Asked on a thread of its own, so the test process keeps the normal scheduler. Where the
// test runs without CAP_SYS_NICE the kernel refuses, and the thread must be as it was.
TEST(ThreadScheduling, RealtimeThreadRunsRoundRobinAndItsChildrenDoNot) {
  std::thread([] {
    auto result = run_thread_realtime(5);
    if (!result) {
      EXPECT_NE(result.error().message.find("refused"), std::string::npos);
      EXPECT_EQ(sched_getscheduler(0), SCHED_OTHER);
      return;
    }
    EXPECT_EQ(sched_getscheduler(0) & ~SCHED_RESET_ON_FORK, SCHED_RR);
    sched_param param{};
    ASSERT_EQ(sched_getparam(0, &param), 0);
    EXPECT_EQ(param.sched_priority, 5);
    int child_policy = -1;
    std::thread([&] { child_policy = sched_getscheduler(0); }).join();
    EXPECT_EQ(child_policy, SCHED_OTHER);
  }).join();
}

TEST(ThreadScheduling, NameIsWhatTheKernelShows) {
  std::thread([] {
    name_thread("keyline-worker12345");  // longer than the kernel keeps
    char name[16] = {};
    ASSERT_EQ(pthread_getname_np(pthread_self(), name, sizeof name), 0);
    EXPECT_STREQ(name, "keyline-worker1");
  }).join();
}

}  // namespace
}  // namespace keyline::io
