#include "privacy/health.h"

#include <gtest/gtest.h>

namespace keyline::privacy {
namespace {

TEST(Health, NhsNumberCheckDigit) {
  EXPECT_TRUE(nhs_number_valid("9434765919"));
  EXPECT_TRUE(nhs_number_valid("4010232137"));
  EXPECT_FALSE(nhs_number_valid("9434765918"));
  EXPECT_FALSE(nhs_number_valid("943476591"));
  // A remainder giving check value 10 is never a valid NHS number.
  EXPECT_FALSE(nhs_number_valid("1000000010"));
}

TEST(Health, PatternElements) {
  auto p = make_health_pattern("mrn", "MRN-@@###", "none");
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(match_health_pattern(*p, "id MRN-ab123 ok", 3), std::optional<std::size_t>(12));
  EXPECT_EQ(match_health_pattern(*p, "mrn-XY999", 0), std::optional<std::size_t>(9));
  EXPECT_FALSE(match_health_pattern(*p, "MRN-a1123", 0).has_value());
  EXPECT_FALSE(match_health_pattern(*p, "MRN-ab1234", 0).has_value());  // longer: no boundary
  EXPECT_FALSE(match_health_pattern(*p, "xMRN-ab123", 1).has_value());

  auto q = make_health_pattern("any", "\\#?##", "");
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(match_health_pattern(*q, "#a12", 0).has_value());
  EXPECT_TRUE(match_health_pattern(*q, "#912", 0).has_value());
  EXPECT_FALSE(match_health_pattern(*q, "9912", 0).has_value());
}

TEST(Health, ChecksRunOnTheDigitsOfAMatch) {
  auto p = make_health_pattern("nhs dashed", "###-###-####", "mod11");
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(match_health_pattern(*p, "943-476-5919", 0).has_value());
  EXPECT_FALSE(match_health_pattern(*p, "943-476-5918", 0).has_value());
  auto l = make_health_pattern("card-like", "################", "luhn");
  ASSERT_TRUE(l.ok());
  EXPECT_TRUE(match_health_pattern(*l, "4111111111111111", 0).has_value());
  EXPECT_FALSE(match_health_pattern(*l, "4111111111111112", 0).has_value());
}

TEST(Health, BadPatternsAreRejectedWithAReason) {
  EXPECT_FALSE(make_health_pattern("a", "", "none").ok());
  EXPECT_FALSE(make_health_pattern("a", "ABC", "none").ok());  // nothing variable
  EXPECT_FALSE(make_health_pattern("a", "##\\", "none").ok());
  EXPECT_FALSE(make_health_pattern("a", std::string(65, '#'), "none").ok());
  auto bad_check = make_health_pattern("a", "###", "crc32");
  ASSERT_FALSE(bad_check.ok());
  EXPECT_NE(bad_check.error().message.find("mod11"), std::string::npos);
}

TEST(Health, BuiltinPatternsAreNhsNumbers) {
  int matched = 0;
  for (const auto& p : builtin_health_patterns()) {
    if (match_health_pattern(p, "943 476 5919", 0)) ++matched;
    if (match_health_pattern(p, "9434765919", 0)) ++matched;
  }
  EXPECT_EQ(matched, 2);
}

}  // namespace
}  // namespace keyline::privacy
