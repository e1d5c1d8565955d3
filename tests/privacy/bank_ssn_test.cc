#include <gtest/gtest.h>

#include "privacy/bank.h"
#include "privacy/ssn.h"

namespace keyline::privacy {
namespace {

TEST(AbaRouting, ChecksumAndAssignedPrefixes) {
  EXPECT_TRUE(aba_routing_valid("011000015"));  // Federal Reserve Bank of Boston
  EXPECT_TRUE(aba_routing_valid("021000021"));
  EXPECT_TRUE(aba_routing_valid("111000025"));
  EXPECT_FALSE(aba_routing_valid("011000016"));  // one digit off
  EXPECT_FALSE(aba_routing_valid("021000012"));  // two digits swapped
  // Checksum fine but prefix 50 is not assigned.
  EXPECT_FALSE(aba_routing_valid("500000005"));
  EXPECT_FALSE(aba_routing_valid("01100001"));
  EXPECT_FALSE(aba_routing_valid("01100001a"));
}

TEST(Ssn, ValidNumbers) {
  EXPECT_TRUE(ssn_valid("123456789"));
  EXPECT_TRUE(ssn_valid("665010001"));
  EXPECT_TRUE(ssn_valid("899991234"));
}

TEST(Ssn, TheSsaNeverIssuesTheseRanges) {
  EXPECT_FALSE(ssn_valid("000123456"));  // area 000
  EXPECT_FALSE(ssn_valid("666123456"));  // area 666
  EXPECT_FALSE(ssn_valid("900123456"));  // 900–999
  EXPECT_FALSE(ssn_valid("999123456"));
  EXPECT_FALSE(ssn_valid("123000001"));  // group 00
  EXPECT_FALSE(ssn_valid("123450000"));  // serial 0000
  EXPECT_FALSE(ssn_valid("12345678"));
  EXPECT_FALSE(ssn_valid("12345678x"));
}

}  // namespace
}  // namespace keyline::privacy
