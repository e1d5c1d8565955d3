#include "sip/connection_count.h"

#include <gtest/gtest.h>

namespace keyline::sip {
namespace {

TEST(ConnectionCountTest, TotalLimitCountsEverySource) {
  ConnectionCount count;
  EXPECT_TRUE(count.try_add("192.0.2.1", 2, 0));
  EXPECT_TRUE(count.try_add("192.0.2.2", 2, 0));
  EXPECT_FALSE(count.try_add("192.0.2.3", 2, 0));
  count.remove("192.0.2.1");
  EXPECT_TRUE(count.try_add("192.0.2.3", 2, 0));
}

TEST(ConnectionCountTest, PerSourceLimitLeavesOtherSourcesAlone) {
  ConnectionCount count;
  EXPECT_TRUE(count.try_add("192.0.2.1", 0, 1));
  EXPECT_FALSE(count.try_add("192.0.2.1", 0, 1));
  EXPECT_TRUE(count.try_add("192.0.2.2", 0, 1));
  count.remove("192.0.2.1");
  EXPECT_TRUE(count.try_add("192.0.2.1", 0, 1));
}

TEST(ConnectionCountTest, OutgoingConnectionsCountTowardsTheTotalOnly) {
  ConnectionCount count;
  count.add_outgoing();
  EXPECT_TRUE(count.try_add("192.0.2.1", 2, 1));
  EXPECT_FALSE(count.try_add("192.0.2.2", 2, 1));  // total reached with the outgoing one
  count.remove("");                                // the outgoing one closed
  EXPECT_TRUE(count.try_add("192.0.2.2", 2, 1));
}

}  // namespace
}  // namespace keyline::sip
