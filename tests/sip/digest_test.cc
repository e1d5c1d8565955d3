// Digest authentication: the RFC 2617 worked example, challenge and
// credential parsing, and the server's nonces with an injected clock.
#include <gtest/gtest.h>

#include "base/clock.h"
#include "sip/digest.h"
#include "sip/digest_authenticator.h"
#include "sip/message.h"

namespace keyline::sip {
namespace {

TEST(Digest, Rfc2617WorkedExample) {
  // RFC 2617 3.5 (an HTTP example; SIP computes the same way).
  std::string ha1 =
      digest_ha1(DigestAlgorithm::kMd5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_EQ(digest_response(DigestAlgorithm::kMd5, ha1, "GET", "/dir/index.html",
                            "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth"),
            "6629fae49393a05397450978507c4ef1");
}

TEST(Digest, HashesAreMd5AndSha256) {
  EXPECT_EQ(digest_hash(DigestAlgorithm::kSha256, "abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(digest_hash(DigestAlgorithm::kMd5, "abc"), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(Digest, ParsesParamsWithQuotesAndEscapes) {
  auto p = parse_digest_params(R"(Digest realm="a \"b\", c", nonce=xyz ,  qop="auth,auth-int")");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["realm"], "a \"b\", c");
  EXPECT_EQ((*p)["nonce"], "xyz");
  EXPECT_EQ((*p)["qop"], "auth,auth-int");
  EXPECT_FALSE(parse_digest_params(R"(Basic realm="x")"));
  EXPECT_FALSE(parse_digest_params(R"(Digest realm="unterminated)"));
  EXPECT_FALSE(parse_digest_params(R"(Digest realm="a", realm="b")"));
  EXPECT_FALSE(parse_digest_params(R"(Digest realm)"));
}

TEST(Digest, PicksSha256BeforeMd5AndSkipsUnknown) {
  std::vector<std::string_view> headers = {
      R"(Digest realm="r", nonce="1", algorithm=MD5, qop="auth")",
      R"(Digest realm="r", nonce="2", algorithm=SHA-512-256, qop="auth")",
      R"(Digest realm="r", nonce="3", algorithm=SHA-256, qop="auth")"};
  auto c = pick_challenge(headers);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->nonce, "3");
  EXPECT_EQ(c->algorithm, DigestAlgorithm::kSha256);
  EXPECT_TRUE(c->qop_auth);
}

class Authenticator : public ::testing::Test {
 protected:
  void SetUp() override {
    auto random = [counter = std::uint8_t{0}](std::span<std::uint8_t> out) mutable -> Status {
      for (auto& b : out) b = ++counter;
      return Ok{};
    };
    DigestAuthConfig config;
    config.realm = "keyline.test";
    config.users = {{"alice", "s3cret"}};
    auto a = DigestAuthenticator::create(config, clock_, random);
    ASSERT_TRUE(a);
    auth_ = std::move(*a);
  }

  static Message invite(const std::string& authorization) {
    std::string text =
        "INVITE sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1\r\n"
        "From: <sip:a@x>;tag=1\r\nTo: <sip:100@x>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n"
        "Max-Forwards: 70\r\n";
    if (!authorization.empty()) text += "Authorization: " + authorization + "\r\n";
    text += "Content-Length: 0\r\n\r\n";
    auto parsed = parse_message(text);
    return std::get<Message>(parsed);
  }

  // The challenge for `alg` in a fresh 401 to `source`.
  DigestChallenge challenge(std::string_view source, DigestAlgorithm alg) {
    auto outcome = auth_->check(invite(""), source);
    EXPECT_EQ(outcome.verdict, AuthVerdict::kChallenge);
    for (auto& c : outcome.challenges) {
      auto parsed = parse_digest_challenge(c);
      if (parsed && parsed->algorithm == alg) return *parsed;
    }
    ADD_FAILURE() << "no challenge for the algorithm";
    return {};
  }

  static std::string answer(const DigestChallenge& c, const std::string& user,
                            const std::string& password, unsigned nc) {
    return make_authorization(c, user, password, "INVITE", "sip:100@127.0.0.1", "cn0nce", nc);
  }

  ManualClock clock_;
  std::unique_ptr<DigestAuthenticator> auth_;
};

TEST_F(Authenticator, ChallengesWithSha256FirstThenMd5) {
  auto outcome = auth_->check(invite(""), "192.0.2.1");
  ASSERT_EQ(outcome.challenges.size(), 2u);
  EXPECT_NE(outcome.challenges[0].find("algorithm=SHA-256"), std::string::npos);
  EXPECT_NE(outcome.challenges[1].find("algorithm=MD5"), std::string::npos);
  EXPECT_NE(outcome.challenges[0].find("qop=\"auth\""), std::string::npos);
}

TEST_F(Authenticator, AcceptsSha256AndMd5) {
  for (auto alg : {DigestAlgorithm::kSha256, DigestAlgorithm::kMd5}) {
    auto c = challenge("192.0.2.1", alg);
    auto outcome = auth_->check(invite(answer(c, "alice", "s3cret", 1)), "192.0.2.1");
    EXPECT_EQ(outcome.verdict, AuthVerdict::kOk);
    EXPECT_EQ(outcome.user, "alice");
  }
}

TEST_F(Authenticator, WrongPasswordAndUnknownUserLookTheSame) {
  auto c = challenge("192.0.2.1", DigestAlgorithm::kSha256);
  auto wrong = auth_->check(invite(answer(c, "alice", "guess", 1)), "192.0.2.1");
  auto unknown = auth_->check(invite(answer(c, "mallory", "s3cret", 1)), "192.0.2.1");
  EXPECT_EQ(wrong.verdict, AuthVerdict::kFailed);
  EXPECT_EQ(unknown.verdict, AuthVerdict::kFailed);
  ASSERT_EQ(wrong.challenges.size(), unknown.challenges.size());
  // The same shape; only the fresh nonces differ.
  for (std::size_t i = 0; i < wrong.challenges.size(); ++i) {
    auto a = parse_digest_challenge(wrong.challenges[i]);
    auto b = parse_digest_challenge(unknown.challenges[i]);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->realm, b->realm);
    EXPECT_EQ(a->algorithm, b->algorithm);
    EXPECT_EQ(a->stale, b->stale);
    EXPECT_EQ(a->opaque, b->opaque);
    EXPECT_EQ(a->nonce.size(), b->nonce.size());
  }
}

TEST_F(Authenticator, NonceIsBoundToTheSourceAddress) {
  auto c = challenge("192.0.2.1", DigestAlgorithm::kSha256);
  EXPECT_EQ(auth_->check(invite(answer(c, "alice", "s3cret", 1)), "192.0.2.99").verdict,
            AuthVerdict::kFailed);
}

TEST_F(Authenticator, ForgedNonceFails) {
  auto c = challenge("192.0.2.1", DigestAlgorithm::kSha256);
  c.nonce.back() = c.nonce.back() == '0' ? '1' : '0';
  EXPECT_EQ(auth_->check(invite(answer(c, "alice", "s3cret", 1)), "192.0.2.1").verdict,
            AuthVerdict::kFailed);
}

TEST_F(Authenticator, ReplayedNonceCountIsRejected) {
  auto c = challenge("192.0.2.1", DigestAlgorithm::kSha256);
  std::string first = answer(c, "alice", "s3cret", 1);
  EXPECT_EQ(auth_->check(invite(first), "192.0.2.1").verdict, AuthVerdict::kOk);
  EXPECT_EQ(auth_->check(invite(first), "192.0.2.1").verdict, AuthVerdict::kFailed);
  EXPECT_EQ(auth_->check(invite(answer(c, "alice", "s3cret", 2)), "192.0.2.1").verdict,
            AuthVerdict::kOk);
  EXPECT_EQ(auth_->check(invite(answer(c, "alice", "s3cret", 2)), "192.0.2.1").verdict,
            AuthVerdict::kFailed);
}

TEST_F(Authenticator, ExpiredNonceIsStaleOnlyWithTheRightPassword) {
  auto c = challenge("192.0.2.1", DigestAlgorithm::kSha256);
  clock_.advance(Millis(300001));
  auto right = auth_->check(invite(answer(c, "alice", "s3cret", 1)), "192.0.2.1");
  EXPECT_EQ(right.verdict, AuthVerdict::kStale);
  ASSERT_FALSE(right.challenges.empty());
  auto fresh = parse_digest_challenge(right.challenges[0]);
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(fresh->stale);
  EXPECT_EQ(auth_->check(invite(answer(*fresh, "alice", "s3cret", 1)), "192.0.2.1").verdict,
            AuthVerdict::kOk);
  EXPECT_EQ(auth_->check(invite(answer(c, "alice", "nope", 1)), "192.0.2.1").verdict,
            AuthVerdict::kFailed);
}

TEST_F(Authenticator, AnswerWithoutQopIsRefused) {
  auto c = challenge("192.0.2.1", DigestAlgorithm::kMd5);
  c.qop_auth = false;  // an RFC 2069 answer carries no nonce-count to check
  EXPECT_EQ(auth_->check(invite(answer(c, "alice", "s3cret", 1)), "192.0.2.1").verdict,
            AuthVerdict::kFailed);
}

TEST_F(Authenticator, DigestUriOfAnotherHostIsRefused) {
  auto c = challenge("192.0.2.1", DigestAlgorithm::kSha256);
  std::string other =
      make_authorization(c, "alice", "s3cret", "INVITE", "sip:100@198.51.100.7", "cn0nce", 1);
  EXPECT_EQ(auth_->check(invite(other), "192.0.2.1").verdict, AuthVerdict::kFailed);
}

TEST_F(Authenticator, DigestUriWithTheHostOnlyIsAccepted) {
  // SIPp names only host and port in uri=.
  auto c = challenge("192.0.2.1", DigestAlgorithm::kMd5);
  std::string host_only =
      make_authorization(c, "alice", "s3cret", "INVITE", "sip:127.0.0.1", "cn0nce", 1);
  EXPECT_EQ(auth_->check(invite(host_only), "192.0.2.1").verdict, AuthVerdict::kOk);
}

}  // namespace
}  // namespace keyline::sip
