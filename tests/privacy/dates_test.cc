#include "privacy/dates.h"

#include <gtest/gtest.h>

namespace keyline::privacy {
namespace {

std::optional<DateToken> token(std::string_view text) { return date_token_at(text, 0); }

TEST(Dates, ExpiryShapes) {
  EXPECT_TRUE(is_expiry(*token("12/27")));
  EXPECT_TRUE(is_expiry(*token("01/2030")));
  EXPECT_TRUE(is_expiry(*token("3-29")));
  EXPECT_FALSE(is_expiry(*token("13/27")));  // no month 13
  EXPECT_FALSE(is_expiry(*token("00/27")));
  EXPECT_FALSE(is_expiry(*token("12/1999")));
  EXPECT_FALSE(is_expiry(*token("1.5")));  // a version or a decimal
}

TEST(Dates, FullDates) {
  EXPECT_TRUE(is_full_date(*token("1980-02-29")));
  EXPECT_TRUE(is_full_date(*token("31/12/1975")));  // day first
  EXPECT_TRUE(is_full_date(*token("12/31/1975")));  // month first
  EXPECT_TRUE(is_full_date(*token("05.06.79")));
  EXPECT_FALSE(is_full_date(*token("31/31/1975")));
  EXPECT_FALSE(is_full_date(*token("1980-02-30")));
  EXPECT_FALSE(is_full_date(*token("127.0.0")));
  EXPECT_TRUE(is_iso_date(*token("2026-12-05")));
  EXPECT_FALSE(is_iso_date(*token("05-12-2026")));
}

TEST(Dates, TokenBoundaries) {
  EXPECT_FALSE(token("12345/6").has_value());            // five digits is not a date part
  EXPECT_FALSE(date_token_at("a12/27", 1).has_value());  // inside a word
  EXPECT_FALSE(token("12/27b").has_value());
  EXPECT_FALSE(token("12").has_value());
  auto t = token("12/27. next");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->end, 5u);
  EXPECT_FALSE(token("12/27-2030").has_value() && token("12/27-2030")->parts == 3);
}

TEST(Dates, CompactDates) {
  EXPECT_TRUE(is_compact_date("19800229"));  // YYYYMMDD
  EXPECT_TRUE(is_compact_date("31121975"));  // DDMMYYYY
  EXPECT_TRUE(is_compact_date("12311975"));  // MMDDYYYY
  EXPECT_FALSE(is_compact_date("12345678"));
  EXPECT_FALSE(is_compact_date("1980022"));
}

}  // namespace
}  // namespace keyline::privacy
