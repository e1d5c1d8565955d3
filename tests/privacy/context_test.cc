#include "privacy/context.h"

#include <gtest/gtest.h>

#include <string>

namespace keyline::privacy {
namespace {

// The context of the first digit in `text`.
ContextKind at_first_digit(std::string_view text) {
  return context_before(text, text.find_first_of("0123456789"));
}

TEST(Context, WordsNameTheKind) {
  EXPECT_EQ(at_first_digit("CVV: 123"), ContextKind::kCvv);
  EXPECT_EQ(at_first_digit("cvv2=123"), ContextKind::kCvv);  // the 2 belongs to the word
  EXPECT_EQ(at_first_digit("the card security code is 123"), ContextKind::kCvv);
  EXPECT_EQ(at_first_digit("Exp 12/27"), ContextKind::kExpiry);
  EXPECT_EQ(at_first_digit("expires 1227"), ContextKind::kExpiry);
  EXPECT_EQ(at_first_digit("routing number 011000015"), ContextKind::kRouting);
  EXPECT_EQ(at_first_digit("Account no. 445566"), ContextKind::kAccount);
  EXPECT_EQ(at_first_digit("SSN 123456789"), ContextKind::kSsn);
  EXPECT_EQ(at_first_digit("date of birth: 1980-01-02"), ContextKind::kDob);
  EXPECT_EQ(at_first_digit("PIN 1234"), ContextKind::kPin);
  EXPECT_EQ(at_first_digit("NHS number 9434765919"), ContextKind::kHealth);
}

TEST(Context, WordsMustStandAlone) {
  EXPECT_EQ(at_first_digit("expected 1234"), ContextKind::kNone);
  EXPECT_EQ(at_first_digit("spinning 1234"), ContextKind::kNone);
  EXPECT_EQ(at_first_digit("pinned 1234"), ContextKind::kNone);
  EXPECT_EQ(at_first_digit("port 5060"), ContextKind::kNone);
}

TEST(Context, NearestWordWins) {
  EXPECT_EQ(at_first_digit("card expiry and cvv 123"), ContextKind::kCvv);
  EXPECT_EQ(at_first_digit("cvv or pin 1234"), ContextKind::kPin);
}

TEST(Context, AnEarlierNumberEndsTheWindow) {
  std::string text = "cvv 123 and 4567";
  EXPECT_EQ(context_before(text, text.find("4567")), ContextKind::kNone);
  EXPECT_EQ(context_before(text, text.find("123")), ContextKind::kCvv);
}

TEST(Context, WindowIsBounded) {
  std::string text = "pin" + std::string(kContextWindow, ' ') + "1234";
  EXPECT_EQ(context_before(text, text.find("1234")), ContextKind::kNone);
  std::string near = "pin" + std::string(kContextWindow - 4, ' ') + "1234";
  EXPECT_EQ(context_before(near, near.find("1234")), ContextKind::kPin);
}

}  // namespace
}  // namespace keyline::privacy
