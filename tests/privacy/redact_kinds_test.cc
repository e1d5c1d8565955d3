// What each recogniser claims in free text, under the default policy
// (BIN + last four for PANs, last two for the other kinds).
#include <gtest/gtest.h>

#include "privacy/findings.h"
#include "privacy/redact.h"

namespace keyline::privacy {
namespace {

// The kinds found in `text`, in order, as "kind:span" strings.
std::vector<std::string> kinds(std::string_view text, const RedactionPolicy& policy = {}) {
  std::vector<std::string> out;
  for (const auto& f : find_sensitive(text, policy))
    out.push_back(std::string(finding_kind_name(f.kind)) + ":" +
                  std::string(text.substr(f.begin, f.end - f.begin)));
  return out;
}

using V = std::vector<std::string>;

TEST(RedactKinds, CardNumbersWithAndWithoutSeparators) {
  EXPECT_EQ(kinds("pan 4111111111111111"), V{"pan:4111111111111111"});
  EXPECT_EQ(kinds("pan 4111-1111-1111-1111."), V{"pan:4111-1111-1111-1111"});
  EXPECT_EQ(kinds("amex 3782 822463 10005"), V{"pan:3782 822463 10005"});
  EXPECT_EQ(redact_text("amex 378282246310005"), "amex 378282*****0005");
}

TEST(RedactKinds, ACardNumberAmongOtherGroupsIsFoundInside) {
  // The caller keyed the card number then "123": the PAN is masked as a PAN.
  EXPECT_EQ(redact_text("digits 4111 1111 1111 1111 123 end"),
            "digits 4111 11** **** 1111 123 end");
  EXPECT_EQ(kinds("two 4111111111111111 5555555555554444"),
            (V{"pan:4111111111111111", "pan:5555555555554444"}));
}

TEST(RedactKinds, CvvNeverShown) {
  EXPECT_EQ(redact_text("cvv 123"), "cvv [cvv]");
  EXPECT_EQ(redact_text("CVC2: 1234"), "CVC2: [cvv]");
  EXPECT_EQ(redact_text("security code is 999,"), "security code is [cvv],");
  // Without a context word three digits are just three digits.
  EXPECT_EQ(redact_text("press 123"), "press 123");
}

TEST(RedactKinds, Expiry) {
  EXPECT_EQ(kinds("exp 12/27"), V{"expiry:12/27"});
  EXPECT_EQ(kinds("Expiry date: 01/2030"), V{"expiry:01/2030"});
  EXPECT_EQ(kinds("expires 1227"), V{"expiry:1227"});
  EXPECT_EQ(redact_text("exp 12/27"), "exp **/27");
  EXPECT_EQ(kinds("ratio 12/27"), V{});
  EXPECT_EQ(kinds("exp 13/27"), V{});
}

TEST(RedactKinds, BankNumbers) {
  EXPECT_EQ(kinds("routing 011000015"), V{"routing:011000015"});
  EXPECT_EQ(kinds("account 4455"), V{"account:4455"});
  EXPECT_EQ(kinds("acct# 12-3456-78"), V{"account:12-3456-78"});
  // A routing context with a bad checksum is still a long number, masked.
  EXPECT_EQ(kinds("routing 011000016"), V{"number:011000016"});
}

TEST(RedactKinds, Ssn) {
  EXPECT_EQ(kinds("id 123-45-6789"), V{"ssn:123-45-6789"});
  EXPECT_EQ(kinds("SSN 123456789"), V{"ssn:123456789"});
  // Shaped like an SSN but in a range the SSA never issues: a long number.
  EXPECT_EQ(kinds("id 666-45-6789"), V{"number:666-45-6789"});
  EXPECT_EQ(redact_text("ssn 123-45-6789"), "ssn ***-**-**89");
}

TEST(RedactKinds, DatesOfBirthOnlyInContext) {
  EXPECT_EQ(kinds("DOB 01/02/1980"), V{"dob:01/02/1980"});
  EXPECT_EQ(kinds("born 1980-02-29"), V{"dob:1980-02-29"});
  EXPECT_EQ(kinds("date of birth 19800229"), V{"dob:19800229"});
  // A timestamp is left alone: its digits are not a long number.
  EXPECT_EQ(redact_text("at 2026-12-05 06:29 ok"), "at 2026-12-05 06:29 ok");
}

TEST(RedactKinds, PinsAreNeverShown) {
  EXPECT_EQ(redact_text("PIN 4321"), "PIN [pin]");
  EXPECT_EQ(redact_text("passcode: 99887766"), "passcode: [pin]");
  EXPECT_EQ(redact_text("pinned 4321"), "pinned 4321");
}

TEST(RedactKinds, HealthIdentifiers) {
  EXPECT_EQ(kinds("nhs 943 476 5919"), V{"health:943 476 5919"});
  EXPECT_EQ(kinds("no 9434765919"), V{"health:9434765919"});
  EXPECT_EQ(kinds("patient id 884422"), V{"health:884422"});
  RedactionPolicy policy;
  policy.health_patterns.push_back(*make_health_pattern("mrn", "MRN-@@######", "none"));
  EXPECT_EQ(kinds("chart MRN-AB123456 seen", policy), V{"health:MRN-AB123456"});
  EXPECT_EQ(redact("chart MRN-AB123456 seen", policy), "chart ***-******56 seen");
  // Without the operator's pattern only the digits are claimed, by the "MRN" context.
  EXPECT_EQ(kinds("chart MRN-AB123456 seen"), V{"health:123456"});
  EXPECT_EQ(kinds("chart AB123456 seen"), V{});
}

TEST(RedactKinds, DtmfRelayBodies) {
  EXPECT_EQ(redact_text("Signal=5\r\nDuration=160\r\n"), "Signal=[dtmf]\r\nDuration=160\r\n");
  EXPECT_EQ(redact_text("Signal= #\r\n"), "Signal= [dtmf]\r\n");
}

TEST(RedactKinds, OrdinaryLogLinesAreUntouched) {
  for (std::string_view line : {
           "listening on 127.0.0.1:5060",
           "3 modules, 20 ms",
           "SIP/2.0 200 OK",
           "CSeq: 102 INVITE",
           "Content-Length: 245",
           "m=audio 10000 RTP/AVP 0 8 101",
           "a=rtpmap:101 telephone-event/8000",
           "version 1.2.3",
           "call ended (bye, app exit hangup, 4 modules, rtp sent 250 received 249)",
       })
    EXPECT_EQ(redact_text(line), line);
}

TEST(RedactKinds, LongNumbersStillKeepOnlyTheirLastTwo) {
  EXPECT_EQ(redact_text("ref 12345678"), "ref ******78");
  EXPECT_EQ(redact_text("tel +1 555 123 4567"), "tel +* *** *** **67");
}

}  // namespace
}  // namespace keyline::privacy
