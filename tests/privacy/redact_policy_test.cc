#include <gtest/gtest.h>

#include "privacy/redact.h"

namespace keyline::privacy {
namespace {

TEST(RedactPolicy, PanMaskLast4) {
  RedactionPolicy p;
  p.pan_mask = PanMask::kLast4;
  EXPECT_EQ(redact("4111111111111111", p), "************1111");
  EXPECT_EQ(redact("4111 1111 1111 1111", p), "**** **** **** 1111");
}

TEST(RedactPolicy, ShortPansNeverShowTheirBin) {
  // 14-digit Diners: BIN + last four would leave only four digits hidden.
  EXPECT_EQ(redact_text("30569309025904"), "**********5904");
}

TEST(RedactPolicy, PlaceholderForOtherKinds) {
  RedactionPolicy p;
  p.other_mask = OtherMask::kPlaceholder;
  EXPECT_EQ(redact("ssn 123-45-6789", p), "ssn [ssn]");
  EXPECT_EQ(redact("exp 12/27", p), "exp [expiry]");
  EXPECT_EQ(redact("ref 12345678", p), "ref [number]");
  EXPECT_EQ(redact("account 4455", p), "account [account]");
  // PANs follow pan_mask, not other_mask.
  EXPECT_EQ(redact("4111111111111111", p), "411111******1111");
}

TEST(RedactPolicy, RecognisersCanBeTurnedOff) {
  RedactionPolicy p;
  p.recognisers.cvv = false;
  EXPECT_EQ(redact("cvv 123", p), "cvv 123");
  p.recognisers.long_numbers = false;
  EXPECT_EQ(redact("ref 12345678", p), "ref 12345678");
  // Cards off: a PAN is no longer shown as BIN + last four, but long-number
  // masking (when on) still hides it.
  RedactionPolicy q;
  q.recognisers.cards = false;
  EXPECT_EQ(redact("4111111111111111", q), "**************11");
}

TEST(RedactPolicy, NamesRoundTrip) {
  for (auto m : {PanMask::kBinLast4, PanMask::kLast4})
    EXPECT_EQ(parse_pan_mask(pan_mask_name(m)), m);
  for (auto m : {OtherMask::kLast2, OtherMask::kPlaceholder})
    EXPECT_EQ(parse_other_mask(other_mask_name(m)), m);
  EXPECT_FALSE(parse_pan_mask("first6").has_value());
  Recognisers r;
  for (auto name : recogniser_names()) EXPECT_TRUE(set_recogniser(r, name, false)) << name;
  EXPECT_FALSE(r.cards || r.cvv || r.expiry || r.bank || r.ssn || r.dob || r.pin || r.health ||
               r.long_numbers || r.dtmf_signals);
  EXPECT_FALSE(set_recogniser(r, "iban", true));
}

TEST(RedactDigits, DtmfStreams) {
  RedactionPolicy p;
  EXPECT_EQ(redact_digits("4111111111111111#", p), "411111******1111#");
  EXPECT_EQ(redact_digits("1234#", p), "[private]#");
  EXPECT_EQ(redact_digits("*12#", p), "*[private]#");
  EXPECT_EQ(redact_digits("5551234567", p), "********67");
  EXPECT_EQ(redact_digits("", p), "");
  p.pan_mask = PanMask::kLast4;
  p.other_mask = OtherMask::kPlaceholder;
  EXPECT_EQ(redact_digits("4111111111111111", p), "************1111");
  EXPECT_EQ(redact_digits("5551234567", p), "[number]");
}

// No card number in any shape survives, whatever surrounds it.
TEST(RedactPolicy, NoPanSurvivesInManyContexts) {
  const std::string pan = "4111111111111111";
  for (std::string_view before :
       {"", "x", "card ", "account ", "cvv ", "pin ", "exp ", "a=", "\"", "12 ", "9-", "ssn "}) {
    for (std::string_view after : {"", " ", "123", " 123", "#", "-1", "\r\n", "x"}) {
      std::string text = std::string(before) + pan + std::string(after);
      std::string out = redact_text(text);
      EXPECT_EQ(out.find("1111111111"), std::string::npos) << text << " -> " << out;
      EXPECT_EQ(out.find("11111111"), std::string::npos) << text << " -> " << out;
    }
  }
}

}  // namespace
}  // namespace keyline::privacy
