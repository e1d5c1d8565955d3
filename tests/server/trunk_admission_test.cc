#include "server/trunk_admission.h"

#include <gtest/gtest.h>

#include "sip/digest.h"

namespace keyline::server {
namespace {

RandomFill counting_random() {
  return [counter = std::uint8_t{0}](std::span<std::uint8_t> out) mutable -> Status {
    for (auto& b : out) b = ++counter;
    return Ok{};
  };
}

sip::Message invite(const std::string& authorization = "") {
  std::string text =
      "INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
      "From: <sip:a@x>;tag=1\r\nTo: <sip:100@x>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n"
      "Max-Forwards: 70\r\n";
  if (!authorization.empty()) text += "Authorization: " + authorization + "\r\n";
  text += "Content-Length: 0\r\n\r\n";
  return std::get<sip::Message>(sip::parse_message(text));
}

sip::Peer peer(const char* host, sip::TransportKind kind = sip::TransportKind::kUdp) {
  sip::Peer p;
  p.kind = kind;
  p.endpoint = io::Endpoint::parse(host, 5060).value();
  return p;
}

store::TrunkRecord trunk(std::string name, std::vector<std::string> allow) {
  store::TrunkRecord t;
  t.name = std::move(name);
  t.allow = std::move(allow);
  return t;
}

// Secrets from a map instead of the environment: the test sets no process-wide state.
SecretReader secrets(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& ref) -> Result<std::string> {
    auto it = values.find(ref);
    if (it == values.end()) return make_error("config", "environment variable is not set");
    return it->second;
  };
}

class TrunkTableTest : public ::testing::Test {
 protected:
  TrunkTable::Built build(const std::vector<store::TrunkRecord>& records,
                          const TrunkTable* previous = nullptr,
                          std::map<std::string, std::string> values = {},
                          const HostAddresses& hosts = {}) {
    return TrunkTable::build(records, secrets(std::move(values)), previous, clock_,
                             counting_random(), hosts);
  }
  ManualClock clock_;
};

TEST_F(TrunkTableTest, TheLongestMatchingPrefixPicksTheTrunk) {
  auto built = build({trunk("wide", {"192.0.2.0/24"}), trunk("narrow", {"192.0.2.8/29"})});
  ASSERT_TRUE(built.problems.empty());
  ASSERT_NE(built.table->match(peer("192.0.2.9").endpoint), nullptr);
  EXPECT_EQ(built.table->match(peer("192.0.2.9").endpoint)->name, "narrow");
  EXPECT_EQ(built.table->match(peer("192.0.2.200").endpoint)->name, "wide");
  EXPECT_EQ(built.table->match(peer("198.51.100.1").endpoint), nullptr);
}

TEST_F(TrunkTableTest, AHostNameNotResolvedYetIsAProblemAndTheRestApplies) {
  auto built = build({trunk("carrier", {"sip.carrier.example", "203.0.113.5"})});
  ASSERT_EQ(built.problems.size(), 1u);
  EXPECT_NE(built.problems[0].find("sip.carrier.example"), std::string::npos);
  EXPECT_NE(built.table->match(peer("203.0.113.5").endpoint), nullptr);
}

TEST_F(TrunkTableTest, AHostNameMatchesTheAddressesItResolvedTo) {
  const HostAddresses hosts{{"sip.carrier.example", {"198.51.100.7", "2001:db8::7"}},
                            {"gone.carrier.example", {}}};
  auto built = build({trunk("carrier", {"SIP.Carrier.Example", "gone.carrier.example"})}, nullptr,
                     {}, hosts);
  ASSERT_EQ(built.problems.size(), 1u) << "a name without addresses is named";
  EXPECT_NE(built.problems[0].find("gone.carrier.example"), std::string::npos);
  ASSERT_NE(built.table->match(peer("198.51.100.7").endpoint), nullptr);
  EXPECT_EQ(built.table->match(peer("198.51.100.7").endpoint)->name, "carrier");
  EXPECT_NE(built.table->match(peer("2001:db8::7").endpoint), nullptr);
  EXPECT_EQ(built.table->match(peer("198.51.100.8").endpoint), nullptr);
}

TEST_F(TrunkTableTest, HostNamesToResolveAreListedOnceInLowerCase) {
  EXPECT_EQ(trunk_host_names({trunk("a", {"Sip.Example", "192.0.2.1", "10.0.0.0/8"}),
                              trunk("b", {"sip.example", "other.example"})}),
            (std::vector<std::string>{"other.example", "sip.example"}));
}

TEST_F(TrunkTableTest, RegisterSettingsAreCarriedWithThePasswordRead) {
  auto record = trunk("carrier", {"192.0.2.1"});
  record.transport = "tcp";
  record.registration.registrar = "sip:registrar.example:5070";
  record.registration.aor = "sip:4420@carrier.example";
  record.registration.username = "4420";
  record.registration.password_ref = "env:REG";
  record.registration.expires_s = 120;
  auto built = build({record}, nullptr, {{"env:REG", "pw"}});
  ASSERT_TRUE(built.problems.empty());
  const auto& reg = built.table->find("carrier")->registration;
  ASSERT_TRUE(reg);
  EXPECT_EQ(reg->password, "pw");
  EXPECT_EQ(reg->contact_user, "4420") << "the AOR's user when none is set";
  EXPECT_EQ(reg->transport, sip::TransportKind::kTcp) << "the trunk's transport";
  EXPECT_EQ(reg->expires_s, 120);
}

TEST_F(TrunkTableTest, AnUnusableRegistrationIsAProblemAndTheTrunkStillAdmits) {
  auto unreadable = trunk("a", {"192.0.2.1"});
  unreadable.registration = {"sip:registrar.example", "sip:1@x", "", "1", "env:NOPE", 60};
  auto bad_uri = trunk("b", {"192.0.2.2"});
  bad_uri.registration = {"tel:+15550100", "sip:2@x", "", "", "", 60};
  auto built = build({unreadable, bad_uri});
  ASSERT_EQ(built.problems.size(), 2u);
  EXPECT_NE(built.problems[0].find("register"), std::string::npos);
  EXPECT_FALSE(built.table->find("a")->registration);
  EXPECT_FALSE(built.table->find("b")->registration);
  EXPECT_NE(built.table->match(peer("192.0.2.1").endpoint), nullptr);
}

TEST_F(TrunkTableTest, MaxCallsAnswers503WithRetryAfter) {
  auto record = trunk("t", {"192.0.2.1"});
  record.max_calls = 2;
  auto built = build({record});
  const TrunkRule& rule = *built.table->find("t");
  EXPECT_FALSE(admit_on_trunk(rule, invite(), peer("192.0.2.1"), 1, 7).refusal);
  auto full = admit_on_trunk(rule, invite(), peer("192.0.2.1"), 2, 7);
  ASSERT_TRUE(full.refusal);
  EXPECT_EQ(full.refusal->status, 503);
  ASSERT_EQ(full.refusal->headers.size(), 1u);
  EXPECT_EQ(full.refusal->headers[0].first, "Retry-After");
  EXPECT_EQ(full.refusal->headers[0].second, "7");
}

TEST_F(TrunkTableTest, AnotherTransportIsRefused403) {
  auto record = trunk("t", {"192.0.2.1"});
  record.transport = "tls";
  auto built = build({record});
  const TrunkRule& rule = *built.table->find("t");
  auto udp = admit_on_trunk(rule, invite(), peer("192.0.2.1"), 0, 5);
  ASSERT_TRUE(udp.refusal);
  EXPECT_EQ(udp.refusal->status, 403);
  EXPECT_FALSE(
      admit_on_trunk(rule, invite(), peer("192.0.2.1", sip::TransportKind::kTls), 0, 5).refusal);
}

TEST_F(TrunkTableTest, CredentialsChallengeThenAdmitTheRightPassword) {
  auto record = trunk("t", {"192.0.2.1"});
  record.digest_username = "carrier";
  record.digest_password_ref = "env:TRUNK_PW";
  auto built = build({record}, nullptr, {{"env:TRUNK_PW", "pa55"}});
  ASSERT_TRUE(built.problems.empty());
  const TrunkRule& rule = *built.table->find("t");
  auto first = admit_on_trunk(rule, invite(), peer("192.0.2.1"), 0, 5);
  ASSERT_TRUE(first.refusal);
  ASSERT_EQ(first.refusal->status, 401);
  std::vector<std::string_view> values;
  for (const auto& [name, value] : first.refusal->headers) values.push_back(value);
  auto challenge = sip::pick_challenge(values);
  ASSERT_TRUE(challenge);
  EXPECT_EQ(challenge->realm, "keyline-trunk-t");
  auto answer = [&](const char* password) {
    return sip::make_authorization(*challenge, "carrier", password, "INVITE", "sip:100@127.0.0.1",
                                   "cn", 1);
  };
  auto wrong = admit_on_trunk(rule, invite(answer("guess")), peer("192.0.2.1"), 0, 5);
  ASSERT_TRUE(wrong.refusal);
  EXPECT_EQ(wrong.refusal->status, 401);
  EXPECT_TRUE(wrong.auth_failed);
  auto right = admit_on_trunk(rule, invite(answer("pa55")), peer("192.0.2.1"), 0, 5);
  EXPECT_FALSE(right.refusal);
  EXPECT_EQ(right.user, "carrier");
}

TEST_F(TrunkTableTest, AnUnreadablePasswordRefusesCallsInsteadOfAdmittingThem) {
  auto record = trunk("t", {"192.0.2.1"});
  record.digest_username = "carrier";
  record.digest_password_ref = "env:UNSET";
  auto built = build({record});
  ASSERT_EQ(built.problems.size(), 1u);
  auto verdict = admit_on_trunk(*built.table->find("t"), invite(), peer("192.0.2.1"), 0, 5);
  ASSERT_TRUE(verdict.refusal);
  EXPECT_EQ(verdict.refusal->status, 403);
}

TEST_F(TrunkTableTest, AReloadKeepsTheAuthenticatorWhileTheCredentialsStay) {
  auto record = trunk("t", {"192.0.2.1"});
  record.digest_username = "carrier";
  record.digest_password_ref = "env:PW";
  auto first = build({record}, nullptr, {{"env:PW", "one"}});
  auto same = build({record}, first.table.get(), {{"env:PW", "one"}});
  EXPECT_EQ(same.table->find("t")->auth, first.table->find("t")->auth);
  auto changed = build({record}, first.table.get(), {{"env:PW", "two"}});
  EXPECT_NE(changed.table->find("t")->auth, first.table->find("t")->auth);
}

TEST_F(TrunkTableTest, SrtpAndDtmfPoliciesAreRead) {
  auto record = trunk("t", {"192.0.2.1"});
  record.srtp = "mandatory";
  record.dtmf = "info";
  auto built = build({record});
  EXPECT_EQ(built.table->find("t")->srtp, sdp::SrtpPolicy::kMandatory);
  EXPECT_EQ(built.table->find("t")->dtmf, media::DtmfMode::kInfo);
}

TEST(TrunkCallCount, CountsPerTrunkAndNeverGoesNegative) {
  TrunkCallCount count;
  count.add("a");
  count.add("a");
  count.add("b");
  EXPECT_EQ(count.count("a"), 2);
  count.remove("a");
  count.remove("b");
  count.remove("b");
  EXPECT_EQ(count.count("a"), 1);
  EXPECT_EQ(count.count("b"), 0);
}

TEST(ReadSecretRef, RefusesALiteralPassword) {
  EXPECT_FALSE(read_secret_ref("hunter2"));
  EXPECT_FALSE(read_secret_ref("file:/nonexistent/keyline-trunk-test"));
}

}  // namespace
}  // namespace keyline::server
