#include "server/call_dispatch.h"

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include "base/ids.h"

namespace keyline::server {
namespace {

TEST(CallDispatchTest, OneWorkerOwnsEverything) {
  EXPECT_EQ(worker_for_call_id("a84b4c76e66710@pc33.atlanta.com", 1), 0u);
  EXPECT_EQ(worker_for_call_id("", 0), 0u);
}

TEST(CallDispatchTest, TheSameCallIdAlwaysGoesToTheSameWorker) {
  const std::string id = "f81d4fae-7dec-11d0-a765-00a0c91e6bf6@192.0.2.4";
  const std::size_t first = worker_for_call_id(id, 4);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(worker_for_call_id(id, 4), first);
  EXPECT_LT(first, 4u);
}

TEST(CallDispatchTest, CallIdsCompareCaseSensitively) {
  // RFC 3261 20.8: Call-IDs are case-sensitive, so "ABC" and "abc" are different calls and
  // the hash reads the bytes as they are. Over many pairs some must land apart.
  IdGenerator ids(7);
  int apart = 0;
  for (int i = 0; i < 200; ++i) {
    std::string lower = ids.token(12);
    std::string upper = lower;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper != lower && worker_for_call_id(lower, 2) != worker_for_call_id(upper, 2)) ++apart;
  }
  EXPECT_GT(apart, 50);
}

TEST(CallDispatchTest, RandomCallIdsSpreadEvenly) {
  // Peers make Call-IDs of every shape: random tokens, counters with a fixed host part (SIPp's
  // "1-1234@127.0.0.1", "2-1234@..."), UUIDs. Each shape must spread over the workers.
  for (std::size_t workers : {2u, 3u, 8u}) {
    std::vector<int> counts(workers, 0);
    IdGenerator ids(42);
    const int n = 12000;
    for (int i = 0; i < n; ++i) ++counts[worker_for_call_id(ids.token(20) + "@keyline", workers)];
    for (int i = 0; i < n; ++i)
      ++counts[worker_for_call_id(std::to_string(i) + "-3345@127.0.0.1", workers)];
    const double expected = 2.0 * n / static_cast<double>(workers);
    for (std::size_t w = 0; w < workers; ++w) {
      EXPECT_GT(counts[w], expected * 0.9) << "worker " << w << " of " << workers;
      EXPECT_LT(counts[w], expected * 1.1) << "worker " << w << " of " << workers;
    }
  }
}

}  // namespace
}  // namespace keyline::server
