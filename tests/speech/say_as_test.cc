#include "speech/say_as.h"

#include <gtest/gtest.h>

#include <string>

namespace keyline::speech {
namespace {

// Text in, words out: the groups joined with " | " where a pause falls.
std::string say(SayAs type, std::string_view text, std::string_view format = "",
                bool english = true) {
  auto groups = render_say_as(type, text, format, english);
  if (!groups) return "ERROR " + groups.error().message;
  std::string out;
  for (const auto& g : *groups) out += (out.empty() ? "" : " | ") + g;
  return out;
}

TEST(SayAs, ParsesTheInterpretAsNames) {
  EXPECT_EQ(parse_say_as("digits"), SayAs::kDigits);
  EXPECT_EQ(parse_say_as("characters"), SayAs::kCharacters);
  EXPECT_EQ(parse_say_as("number"), SayAs::kNumber);
  EXPECT_EQ(parse_say_as("currency"), SayAs::kCurrency);
  EXPECT_EQ(parse_say_as("date"), SayAs::kDate);
  EXPECT_EQ(parse_say_as("time"), SayAs::kTime);
  EXPECT_EQ(parse_say_as("telephone"), SayAs::kTelephone);
  EXPECT_FALSE(parse_say_as("address"));
  EXPECT_FALSE(parse_say_as("Digits"));
}

TEST(SayAs, Digits) {
  EXPECT_EQ(say(SayAs::kDigits, "4111"), "4 1 1 1");
  EXPECT_EQ(say(SayAs::kDigits, " 4111 1111-0 "), "4 1 1 1 1 1 1 1 0");
  EXPECT_EQ(say(SayAs::kDigits, "12a"), "ERROR digits: only digits, spaces and dashes allowed");
  EXPECT_EQ(say(SayAs::kDigits, "  "), "ERROR digits: no digits");
}

TEST(SayAs, Characters) {
  EXPECT_EQ(say(SayAs::kCharacters, "AB12"), "A B 1 2");
  EXPECT_EQ(say(SayAs::kCharacters, "ab-1"), "A B dash 1");
  EXPECT_EQ(say(SayAs::kCharacters, "x@y.z"), "X at Y dot Z");
  EXPECT_EQ(say(SayAs::kCharacters, "é1"), "é 1");  // UTF-8 kept whole
  EXPECT_EQ(say(SayAs::kCharacters, "!!"), "ERROR characters: nothing to spell");
}

TEST(SayAs, NumberWords) {
  EXPECT_EQ(number_words(0), "zero");
  EXPECT_EQ(number_words(7), "seven");
  EXPECT_EQ(number_words(15), "fifteen");
  EXPECT_EQ(number_words(40), "forty");
  EXPECT_EQ(number_words(99), "ninety nine");
  EXPECT_EQ(number_words(100), "one hundred");
  EXPECT_EQ(number_words(1234), "one thousand two hundred thirty four");
  EXPECT_EQ(number_words(1000000), "one million");
  EXPECT_EQ(number_words(2000017), "two million seventeen");
  EXPECT_EQ(number_words(18446744073709551615ull),
            "eighteen quintillion four hundred forty six quadrillion seven hundred forty four "
            "trillion seventy three billion seven hundred nine million five hundred fifty one "
            "thousand six hundred fifteen");
}

TEST(SayAs, Number) {
  EXPECT_EQ(say(SayAs::kNumber, "1234"), "one thousand two hundred thirty four");
  EXPECT_EQ(say(SayAs::kNumber, "1,234"), "one thousand two hundred thirty four");
  EXPECT_EQ(say(SayAs::kNumber, "-3.05"), "minus three point zero five");
  EXPECT_EQ(say(SayAs::kNumber, "007"), "seven");
  EXPECT_EQ(say(SayAs::kNumber, ".5"), "zero point five");
  for (auto bad : {"", "12x", "1..2", ",12", "12,", "1234567890123456789", "-", "1.2.3"})
    EXPECT_TRUE(say(SayAs::kNumber, bad).starts_with("ERROR number:")) << bad;
  EXPECT_EQ(say(SayAs::kNumber, "1234", "", false), "1234");  // another language reads numerals
}

TEST(SayAs, Currency) {
  EXPECT_EQ(say(SayAs::kCurrency, "12.18"), "twelve dollars and eighteen cents");
  EXPECT_EQ(say(SayAs::kCurrency, "$1.00"), "one dollar");
  EXPECT_EQ(say(SayAs::kCurrency, "0.01"), "one cent");
  EXPECT_EQ(say(SayAs::kCurrency, "$1,250.5"),
            "one thousand two hundred fifty dollars and fifty cents");
  EXPECT_EQ(say(SayAs::kCurrency, "0"), "zero dollars");
  EXPECT_EQ(say(SayAs::kCurrency, "-$3"), "minus three dollars");
  for (auto bad : {"12.185", "12.", "$", "ten", "--1"})
    EXPECT_TRUE(say(SayAs::kCurrency, bad).starts_with("ERROR currency:")) << bad;
}

TEST(SayAs, Date) {
  EXPECT_EQ(say(SayAs::kDate, "2026-11-25"), "November twenty fifth, twenty twenty six");
  EXPECT_EQ(say(SayAs::kDate, "11/25/2026"), "November twenty fifth, twenty twenty six");
  EXPECT_EQ(say(SayAs::kDate, "25.11.2026", "dmy"), "November twenty fifth, twenty twenty six");
  EXPECT_EQ(say(SayAs::kDate, "2000-01-01"), "January first, two thousand");
  EXPECT_EQ(say(SayAs::kDate, "2005-03-02"), "March second, two thousand five");
  EXPECT_EQ(say(SayAs::kDate, "1999-12-31"), "December thirty first, nineteen ninety nine");
  EXPECT_EQ(say(SayAs::kDate, "1905-07-20"), "July twentieth, nineteen oh five");
  EXPECT_EQ(say(SayAs::kDate, "1900-05-12"), "May twelfth, nineteen hundred");
  EXPECT_EQ(say(SayAs::kDate, "2012-02-29"), "February twenty ninth, twenty twelve");
  EXPECT_EQ(say(SayAs::kDate, "12-03", "md"), "December third");
  EXPECT_EQ(say(SayAs::kDate, "08/2027", "my"), "August twenty twenty seven");
  EXPECT_EQ(say(SayAs::kDate, "2026-02-29"), "ERROR date: day out of range");  // not a leap year
  EXPECT_EQ(say(SayAs::kDate, "2026-13-01"), "ERROR date: month out of range");
  EXPECT_EQ(say(SayAs::kDate, "2026-11"), "ERROR date: fields do not match the format");
  EXPECT_TRUE(say(SayAs::kDate, "2026-11-25", "yy").starts_with("ERROR date: format"));
  EXPECT_TRUE(say(SayAs::kDate, "26-11-25", "ymd").starts_with("ERROR date: fields must"));
  EXPECT_EQ(say(SayAs::kDate, "2026-11-25", "", false), "2026-11-25");
}

TEST(SayAs, Time) {
  EXPECT_EQ(say(SayAs::kTime, "13:05"), "one oh five PM");
  EXPECT_EQ(say(SayAs::kTime, "00:00"), "twelve AM");
  EXPECT_EQ(say(SayAs::kTime, "12:00"), "twelve PM");
  EXPECT_EQ(say(SayAs::kTime, "9:30"), "nine thirty AM");
  EXPECT_EQ(say(SayAs::kTime, "23:59:59"), "eleven fifty nine PM");
  EXPECT_EQ(say(SayAs::kTime, "1:05 pm"), "one oh five PM");
  EXPECT_EQ(say(SayAs::kTime, "12:15am"), "twelve fifteen AM");
  for (auto bad : {"24:00", "13:60", "1305", "13:5", "13:05 pm", "0:10 am", "ab:cd", "13:05:61"})
    EXPECT_TRUE(say(SayAs::kTime, bad).starts_with("ERROR time:")) << bad;
}

TEST(SayAs, Telephone) {
  EXPECT_EQ(say(SayAs::kTelephone, "+1 555 123 4567"), "1 | 5 5 5 | 1 2 3 | 4 5 6 7");
  EXPECT_EQ(say(SayAs::kTelephone, "(555) 123-4567"), "5 5 5 | 1 2 3 | 4 5 6 7");
  EXPECT_EQ(say(SayAs::kTelephone, "5551234567"), "5 5 5 | 1 2 3 | 4 5 6 7");
  EXPECT_EQ(say(SayAs::kTelephone, "15551234567"), "1 | 5 5 5 | 1 2 3 | 4 5 6 7");
  EXPECT_EQ(say(SayAs::kTelephone, "1-800-flowers"), "1 | 8 0 0 | F L O W E R S");
  EXPECT_EQ(say(SayAs::kTelephone, "+44 20 7946 0958"), "4 4 | 2 0 | 7 9 4 6 | 0 9 5 8");
  EXPECT_TRUE(say(SayAs::kTelephone, "555;1234").starts_with("ERROR telephone:"));
  EXPECT_EQ(say(SayAs::kTelephone, "+"), "ERROR telephone: no digits");
}

TEST(SayAs, ErrorsNeverQuoteTheValue) {
  // The value may be private (a card number inserted from a variable).
  for (auto type : {SayAs::kDigits, SayAs::kNumber, SayAs::kCurrency, SayAs::kDate, SayAs::kTime,
                    SayAs::kTelephone}) {
    auto r = render_say_as(type, "4111x1111;1111", "", true);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().message.find("4111"), std::string::npos) << r.error().message;
  }
  EXPECT_FALSE(render_say_as(SayAs::kDigits, std::string(300, '1'), "", true).ok());
}

}  // namespace
}  // namespace keyline::speech
