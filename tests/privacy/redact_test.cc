#include "privacy/redact.h"

#include <gtest/gtest.h>

namespace keyline::privacy {
namespace {

TEST(Redact, CardNumberKeepsBinAndLastFour) {
  EXPECT_EQ(redact_text("card 4111111111111111 ok"), "card 411111******1111 ok");
  EXPECT_EQ(redact_text("4111 1111 1111 1111"), "4111 11** **** 1111");
}

TEST(Redact, LongDigitRunsKeepLastTwo) {
  EXPECT_EQ(redact_text("ssn 123-45-6789"), "ssn ***-**-**89");
  EXPECT_EQ(redact_text("account 12345678"), "account ******78");
}

TEST(Redact, ShortNumbersAndAddressesAreKept) {
  EXPECT_EQ(redact_text("listening on 127.0.0.1:5060"), "listening on 127.0.0.1:5060");
  EXPECT_EQ(redact_text("3 modules, 20 ms"), "3 modules, 20 ms");
}

TEST(Redact, SrtpKeysAreRemoved) {
  std::string sdp =
      "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20\r\n";
  std::string out = redact_text(sdp);
  EXPECT_EQ(out.find("WVNfX19"), std::string::npos);
  EXPECT_NE(out.find("inline:[private]"), std::string::npos);
}

TEST(Redact, SrtpKeysAreRemovedWhateverTheCaseAndHowMany) {
  std::string sdp =
      "a=crypto:2 AES_CM_128_HMAC_SHA1_32 INLINE:QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0|1:4;"
      "Inline:YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXoxMjM0 WSH=64\r\n";
  std::string out = redact_text(sdp);
  EXPECT_EQ(out.find("QUJDREVG"), std::string::npos) << out;
  EXPECT_EQ(out.find("YWJjZGVm"), std::string::npos) << out;
  EXPECT_NE(out.find("INLINE:[private] WSH=64"), std::string::npos) << out;
}

TEST(Redact, LuhnCheck) {
  EXPECT_TRUE(looks_like_pan("4111111111111111"));
  EXPECT_FALSE(looks_like_pan("4111111111111112"));
  EXPECT_FALSE(looks_like_pan("411111"));
}

TEST(Redact, CallerIdKeepsLastFour) {
  EXPECT_EQ(mask_caller_id("+15551234567"), "+*******4567");
  EXPECT_EQ(mask_caller_id("100"), "100");
}

}  // namespace
}  // namespace keyline::privacy
