#include "privacy/card.h"

#include <gtest/gtest.h>

namespace keyline::privacy {
namespace {

TEST(Card, LuhnAcceptsValidAndRejectsOneDigitChanged) {
  EXPECT_TRUE(luhn_valid("4111111111111111"));
  EXPECT_FALSE(luhn_valid("4111111111111112"));
  EXPECT_TRUE(luhn_valid("79927398713"));
  EXPECT_FALSE(luhn_valid("79927398710"));
  EXPECT_FALSE(luhn_valid(""));
  EXPECT_FALSE(luhn_valid("4111 1111"));
}

TEST(Card, PublishedTestNumbersOfEachSchemeAreRecognised) {
  struct Case {
    const char* pan;
    CardScheme scheme;
  };
  const Case cases[] = {
      {"4111111111111111", CardScheme::kVisa},       {"4012888888881881", CardScheme::kVisa},
      {"4222222222222", CardScheme::kVisa},          {"5555555555554444", CardScheme::kMastercard},
      {"2223003122003222", CardScheme::kMastercard}, {"378282246310005", CardScheme::kAmex},
      {"371449635398431", CardScheme::kAmex},        {"6011111111111117", CardScheme::kDiscover},
      {"3530111333300000", CardScheme::kJcb},        {"30569309025904", CardScheme::kDinersClub},
      {"6200000000000005", CardScheme::kUnionPay},   {"6759649826438453", CardScheme::kMaestro},
      {"2200000000000004", CardScheme::kMir},
  };
  for (const auto& c : cases) {
    auto scheme = card_scheme(c.pan);
    ASSERT_TRUE(scheme.has_value()) << c.pan;
    EXPECT_EQ(*scheme, c.scheme) << c.pan << " is " << card_scheme_name(*scheme);
    EXPECT_TRUE(is_pan(c.pan)) << c.pan;
  }
}

TEST(Card, LuhnValidNumbersOutsideAnyIinRangeAreNotPans) {
  // 1-, 7-, 8- and 9-prefixed numbers belong to no card scheme here.
  EXPECT_TRUE(luhn_valid("1234567812345670"));
  EXPECT_FALSE(is_pan("1234567812345670"));
  EXPECT_FALSE(is_pan("9999999999999995"));
  EXPECT_FALSE(is_pan("7777777777777777"));
}

TEST(Card, LengthMustFitTheScheme) {
  // Amex is 15 digits: a 16-digit 34-number is not an Amex PAN.
  EXPECT_FALSE(card_scheme("3400000000000000").has_value());
  // Mastercard is 16 digits only.
  EXPECT_FALSE(card_scheme("55555555555544440").has_value());
  // Too short or too long for any scheme.
  EXPECT_FALSE(card_scheme("41111111111").has_value());
  EXPECT_FALSE(card_scheme("41111111111111111111").has_value());
  // Maestro allows 12 digits.
  EXPECT_TRUE(card_scheme("500000000000").has_value());
}

TEST(Card, InvalidChecksumIsNotAPan) {
  EXPECT_FALSE(is_pan("4111111111111112"));
  EXPECT_FALSE(is_pan("5555555555554445"));
}

}  // namespace
}  // namespace keyline::privacy
