// The SRTP adapter against libsrtp2: every suite round-trips RTP and RTCP,
// and tampered, replayed and wrongly keyed packets are dropped and counted.
#include "media/srtp_session.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "media/rtp_packet.h"

namespace keyline::media {
namespace {

SecretBytes key_of(SrtpSuite suite, std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(srtp_key_salt_length(suite));
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(seed + i * 7);
  return *SecretBytes::from(bytes);
}

// A pair as two ends of a call see it: a's send key is b's receive key.
struct Pair {
  std::unique_ptr<SrtpSession> a, b;
};

Pair make_pair(SrtpSuite suite) {
  SrtpConfig ca{suite, key_of(suite, 1), key_of(suite, 2)};
  SrtpConfig cb{suite, key_of(suite, 2), key_of(suite, 1)};
  auto a = SrtpSession::create(ca);
  auto b = SrtpSession::create(cb);
  EXPECT_TRUE(a && b);
  return {a ? std::move(*a) : nullptr, b ? std::move(*b) : nullptr};
}

struct Packet {
  alignas(8) std::array<std::uint8_t, 512> bytes{};
  std::size_t length = 0;
  std::span<std::uint8_t> buffer() { return bytes; }
  std::vector<std::uint8_t> data() const { return {bytes.begin(), bytes.begin() + length}; }
};

Packet rtp_packet(std::uint16_t sequence) {
  Packet p;
  std::array<std::uint8_t, 160> payload;
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  RtpHeader h{0, false, sequence, 160u * sequence, 0x11223344};
  p.length = write_rtp(h, payload, p.bytes);
  return p;
}

Packet rtcp_receiver_report() {
  Packet p;
  const std::uint8_t rr[] = {0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
  std::copy(std::begin(rr), std::end(rr), p.bytes.begin());
  p.length = sizeof rr;
  return p;
}

class SrtpSuiteTest : public ::testing::TestWithParam<SrtpSuite> {};

TEST_P(SrtpSuiteTest, RtpRoundTripEncryptsAndAuthenticates) {
  Pair pair = make_pair(GetParam());
  ASSERT_TRUE(pair.a && pair.b);
  for (std::uint16_t seq = 100; seq < 110; ++seq) {
    Packet plain = rtp_packet(seq);
    Packet wire = plain;
    auto protected_length = pair.a->protect_rtp(wire.buffer(), wire.length);
    ASSERT_TRUE(protected_length) << protected_length.error().message;
    std::size_t tag = GetParam() == SrtpSuite::kAesCm128HmacSha1_32   ? 4
                      : GetParam() == SrtpSuite::kAesCm128HmacSha1_80 ? 10
                                                                      : 16;
    EXPECT_EQ(*protected_length, plain.length + tag);
    wire.length = *protected_length;
    // The header stays readable; the payload does not.
    EXPECT_TRUE(std::equal(plain.bytes.begin(), plain.bytes.begin() + 12, wire.bytes.begin()));
    EXPECT_FALSE(std::equal(plain.bytes.begin() + 12, plain.bytes.begin() + plain.length,
                            wire.bytes.begin() + 12));
    auto plain_length = pair.b->unprotect_rtp(wire.buffer(), wire.length);
    ASSERT_TRUE(plain_length) << plain_length.error().message;
    wire.length = *plain_length;
    EXPECT_EQ(wire.data(), plain.data());
  }
  EXPECT_EQ(pair.b->stats().auth_failures + pair.b->stats().replays, 0u);
}

TEST_P(SrtpSuiteTest, RtcpRoundTrip) {
  Pair pair = make_pair(GetParam());
  ASSERT_TRUE(pair.a && pair.b);
  Packet plain = rtcp_receiver_report();
  Packet wire = plain;
  auto protected_length = pair.a->protect_rtcp(wire.buffer(), wire.length);
  ASSERT_TRUE(protected_length) << protected_length.error().message;
  EXPECT_GT(*protected_length, plain.length + 4);  // E+index, then the tag
  wire.length = *protected_length;
  auto plain_length = pair.b->unprotect_rtcp(wire.buffer(), wire.length);
  ASSERT_TRUE(plain_length) << plain_length.error().message;
  wire.length = *plain_length;
  EXPECT_EQ(wire.data(), plain.data());
}

TEST_P(SrtpSuiteTest, TamperedPacketIsRejected) {
  Pair pair = make_pair(GetParam());
  ASSERT_TRUE(pair.a && pair.b);
  Packet wire = rtp_packet(7);
  wire.length = *pair.a->protect_rtp(wire.buffer(), wire.length);
  wire.bytes[20] ^= 0x01;  // one bit of ciphertext
  auto result = pair.b->unprotect_rtp(wire.buffer(), wire.length);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, "srtp_auth");
  EXPECT_EQ(pair.b->stats().auth_failures, 1u);

  Packet rtcp = rtcp_receiver_report();
  rtcp.length = *pair.a->protect_rtcp(rtcp.buffer(), rtcp.length);
  rtcp.bytes[5] ^= 0x80;  // the sender SSRC, authenticated but not encrypted
  EXPECT_FALSE(pair.b->unprotect_rtcp(rtcp.buffer(), rtcp.length));
  EXPECT_EQ(pair.b->stats().auth_failures, 2u);
}

TEST_P(SrtpSuiteTest, ReplayIsRejected) {
  Pair pair = make_pair(GetParam());
  ASSERT_TRUE(pair.a && pair.b);
  Packet wire = rtp_packet(7);
  wire.length = *pair.a->protect_rtp(wire.buffer(), wire.length);
  Packet copy = wire;
  ASSERT_TRUE(pair.b->unprotect_rtp(wire.buffer(), wire.length));
  auto again = pair.b->unprotect_rtp(copy.buffer(), copy.length);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, "srtp_replay");
  EXPECT_EQ(pair.b->stats().replays, 1u);
}

TEST_P(SrtpSuiteTest, WrongKeyIsRejected) {
  SrtpSuite suite = GetParam();
  auto sender = SrtpSession::create({suite, key_of(suite, 1), key_of(suite, 2)});
  auto stranger = SrtpSession::create({suite, key_of(suite, 2), key_of(suite, 3)});
  ASSERT_TRUE(sender && stranger);
  Packet wire = rtp_packet(1);
  wire.length = *(*sender)->protect_rtp(wire.buffer(), wire.length);
  auto result = (*stranger)->unprotect_rtp(wire.buffer(), wire.length);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind, "srtp_auth");
  EXPECT_EQ((*stranger)->stats().auth_failures, 1u);
}

TEST_P(SrtpSuiteTest, PlainRtpIsNotAcceptedAsSrtp) {
  Pair pair = make_pair(GetParam());
  ASSERT_TRUE(pair.a && pair.b);
  Packet plain = rtp_packet(3);
  EXPECT_FALSE(pair.b->unprotect_rtp(plain.buffer(), plain.length));
}

INSTANTIATE_TEST_SUITE_P(AllSuites, SrtpSuiteTest,
                         ::testing::Values(SrtpSuite::kAesCm128HmacSha1_80,
                                           SrtpSuite::kAesCm128HmacSha1_32,
                                           SrtpSuite::kAeadAes128Gcm, SrtpSuite::kAeadAes256Gcm));

TEST(SrtpSession, KeysOfTheWrongLengthAreRefused) {
  auto short_key =
      SrtpSession::create({SrtpSuite::kAeadAes256Gcm, key_of(SrtpSuite::kAeadAes128Gcm, 1),
                           key_of(SrtpSuite::kAeadAes256Gcm, 2)});
  ASSERT_FALSE(short_key);
  EXPECT_EQ(short_key.error().kind, "srtp");
}

TEST(SrtpSession, ProtectNeedsRoomForTheTrailerAndUnalignedBuffersWork) {
  Pair pair = make_pair(SrtpSuite::kAesCm128HmacSha1_80);
  ASSERT_TRUE(pair.a && pair.b);
  Packet p = rtp_packet(1);
  EXPECT_FALSE(
      pair.a->protect_rtp(std::span<std::uint8_t>(p.bytes.data(), p.length + 4), p.length));
  // An odd offset: the adapter must not rely on the caller's alignment.
  std::vector<std::uint8_t> storage(1 + p.length + kSrtpMaxOverhead);
  std::copy_n(p.bytes.begin(), p.length, storage.begin() + 1);
  std::span<std::uint8_t> odd(storage.data() + 1, storage.size() - 1);
  auto n = pair.a->protect_rtp(odd, p.length);
  ASSERT_TRUE(n);
  auto back = pair.b->unprotect_rtp(odd, *n);
  ASSERT_TRUE(back);
  EXPECT_EQ(std::vector<std::uint8_t>(odd.begin(), odd.begin() + *back), p.data());
}

}  // namespace
}  // namespace keyline::media
