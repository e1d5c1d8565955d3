// The interpreter's pure parts: compare rules, spoken time, key collection, JSON syntax.
#include <gtest/gtest.h>

#include "flow/compare.h"
#include "flow/input_collector.h"
#include "flow/json_syntax.h"
#include "flow/spoken_time.h"

namespace keyline::flow {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

TEST(CompareValues, StringsCompareAsText) {
  EXPECT_TRUE(compare_values("9", CompareOp::kGreater, "100", CompareType::kString));
  EXPECT_TRUE(compare_values("abc", CompareOp::kEqual, "abc", CompareType::kString));
  EXPECT_FALSE(compare_values("abc", CompareOp::kEqual, "ABC", CompareType::kString));
  EXPECT_TRUE(compare_values("a", CompareOp::kNotEqual, "b", CompareType::kString));
  EXPECT_TRUE(compare_values("a", CompareOp::kLessEqual, "a", CompareType::kString));
}

TEST(CompareValues, NumbersCompareAsNumbers) {
  EXPECT_FALSE(compare_values("9", CompareOp::kGreater, "100", CompareType::kNumber));
  EXPECT_TRUE(compare_values("100", CompareOp::kGreaterEqual, " 100.0 ", CompareType::kNumber));
  EXPECT_TRUE(compare_values("-5", CompareOp::kLess, "+2", CompareType::kNumber));
  EXPECT_TRUE(compare_values("", CompareOp::kEqual, "0", CompareType::kNumber));  // JS Number("")
}

TEST(CompareValues, NotANumberOnlySatisfiesNotEqual) {
  EXPECT_FALSE(compare_values("abc", CompareOp::kEqual, "abc", CompareType::kNumber));
  EXPECT_FALSE(compare_values("abc", CompareOp::kLess, "1", CompareType::kNumber));
  EXPECT_FALSE(compare_values("abc", CompareOp::kGreaterEqual, "1", CompareType::kNumber));
  EXPECT_TRUE(compare_values("abc", CompareOp::kNotEqual, "abc", CompareType::kNumber));
}

TEST(SpokenTime, ReadsLikeAClock) {
  const std::chrono::system_clock::time_point midnight{};  // 1970-01-01 00:00 UTC, a Thursday
  EXPECT_EQ(spoken_time(midnight), "12 AM");
  EXPECT_EQ(spoken_time(midnight + hours(15) + minutes(45)), "3 45 PM");
  EXPECT_EQ(spoken_time(midnight + hours(9) + minutes(5)), "9 oh 5 AM");
  EXPECT_EQ(spoken_time(midnight + hours(12)), "12 PM");
  EXPECT_EQ(spoken_time(midnight + hours(23) + minutes(10)), "11 10 PM");
  EXPECT_EQ(spoken_date(midnight + hours(24 * 31)), "Sunday February 1 1970");
}

TEST(InputCollector, MenuDecidesOnTheFirstKey) {
  auto menu = InputCollector::for_menu("12");
  EXPECT_EQ(menu.timeout(), InputOutcome::kNoInput);
  EXPECT_EQ(menu.add('2'), InputOutcome::kSuccess);
  EXPECT_EQ(menu.value(), "2");
  auto other = InputCollector::for_menu("12");
  EXPECT_EQ(other.add('#'), InputOutcome::kNoMatch);
}

TEST(InputCollector, DigitsEndOnTerminator) {
  auto c = InputCollector::for_digits(2, 4, '#');
  EXPECT_EQ(c.add('5'), InputOutcome::kPending);
  EXPECT_EQ(c.add('4'), InputOutcome::kPending);
  EXPECT_EQ(c.add('#'), InputOutcome::kSuccess);
  EXPECT_EQ(c.value(), "54");
  EXPECT_EQ(c.termchar(), '#');
}

TEST(InputCollector, DigitsBounds) {
  auto short_entry = InputCollector::for_digits(2, 4, '#');
  EXPECT_EQ(short_entry.add('5'), InputOutcome::kPending);
  EXPECT_EQ(short_entry.add('#'), InputOutcome::kNoMatch);

  auto at_max = InputCollector::for_digits(2, 4, '#');
  for (char c : std::string("549")) EXPECT_EQ(at_max.add(c), InputOutcome::kPending);
  EXPECT_EQ(at_max.add('2'), InputOutcome::kSuccess);
  EXPECT_EQ(at_max.value(), "5492");
  EXPECT_EQ(at_max.termchar(), '\0');

  auto timed_out = InputCollector::for_digits(2, 4, '#');
  EXPECT_EQ(timed_out.timeout(), InputOutcome::kNoInput);
  timed_out.add('1');
  EXPECT_EQ(timed_out.timeout(), InputOutcome::kNoMatch);
  timed_out.add('2');
  EXPECT_EQ(timed_out.timeout(), InputOutcome::kSuccess);
}

TEST(InputCollector, OtherKeysAreNoMatchAndNoTerminatorMeansNone) {
  auto star = InputCollector::for_digits(1, 4, '#');
  EXPECT_EQ(star.add('*'), InputOutcome::kNoMatch);
  auto none = InputCollector::for_digits(1, 4, '\0');
  EXPECT_EQ(none.add('#'), InputOutcome::kNoMatch);
}

TEST(JsonSyntax, AcceptsJson) {
  EXPECT_FALSE(
      check_json_syntax(R"( {"a": [1, -2.5e3, true, false, null, "x\"\u00e9\n"], "b": {}} )")
          .has_value());
  EXPECT_FALSE(check_json_syntax("\xEF\xBB\xBF{}").has_value());
}

TEST(JsonSyntax, RejectsYamlIsms) {
  auto e = check_json_syntax("[1,,2]");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->column, 4);
  e = check_json_syntax("{'a': 1}");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->message, "expected a \"quoted\" key");
  e = check_json_syntax("[01]");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->message, "numbers must not have leading zeros");
  e = check_json_syntax("{}\n{}");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->line, 2);
  EXPECT_EQ(e->message, "unexpected text after the end of the document");
}

TEST(JsonSyntax, DeepNestingIsRefused) {
  const std::string deep = std::string(1000, '[') + std::string(1000, ']');
  auto e = check_json_syntax(deep);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->message, "nesting is too deep");
}

}  // namespace
}  // namespace keyline::flow
