// Component test: two MediaSessions with SRTP on loopback, with the test in
// the middle. Session A sends to a socket the test owns, so the test sees
// exactly the bytes on the wire: it checks they are not the plain RTP the
// same frames would make, that an independent libsrtp session with the key
// recovers the frames, and then forwards them to session B, which must hear
// the audio and the digit. This is the on-wire check that an integration test
// on loopback UDP cannot make without capture privileges.
#include <gtest/gtest.h>

#include <vector>

#include "base/ids.h"
#include "io/event_loop.h"
#include "io/udp_socket.h"
#include "media/media_session.h"
#include "media/rtp_packet.h"
#include "media/srtp_session.h"

namespace keyline::media {
namespace {

SecretBytes key_of(SrtpSuite suite, std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(srtp_key_salt_length(suite));
  for (std::size_t i = 0; i < bytes.size(); ++i)
    bytes[i] = static_cast<std::uint8_t>(seed * 31 + i);
  return *SecretBytes::from(bytes);
}

std::shared_ptr<EncodedPrompt> test_prompt() {
  auto prompt = std::make_shared<EncodedPrompt>();
  for (int f = 0; f < 5; ++f) {
    std::array<std::uint8_t, kFrameSamples> frame;
    for (std::size_t i = 0; i < frame.size(); ++i)
      frame[i] = static_cast<std::uint8_t>(0x10 + ((i * 13 + f * 5) % 0x60));  // loud, varied
    prompt->frames.push_back(frame);
  }
  return prompt;
}

void run_for(io::EventLoop& loop, int ms) {
  loop.add_timer(Millis(ms), [&loop] { loop.stop(); });
  loop.run();
}

class SrtpMediaSessionTest : public ::testing::TestWithParam<SrtpSuite> {};

TEST_P(SrtpMediaSessionTest, WireBytesAreEncryptedAndTheFarEndHearsAndGetsDigits) {
  const SrtpSuite suite = GetParam();
  auto loop_result = io::EventLoop::create();
  ASSERT_TRUE(loop_result);
  io::EventLoop& loop = **loop_result;
  IdGenerator ids(7);
  MediaConfig mc{"127.0.0.1", 41000, 41998};
  auto a = MediaSession::create(loop, mc, ids);
  auto b = MediaSession::create(loop, mc, ids);
  ASSERT_TRUE(a && b);

  std::vector<std::vector<std::uint8_t>> wire;
  auto any = io::Endpoint::parse("127.0.0.1", 0);
  auto tap =
      io::UdpSocket::bind(loop, *any, [&](std::span<const std::uint8_t> d, const io::Endpoint&) {
        wire.emplace_back(d.begin(), d.end());
      });
  ASSERT_TRUE(tap);

  StreamParams to_tap;
  to_tap.remote = (*tap)->local();
  to_tap.telephone_event_pt = 101;
  to_tap.srtp = SrtpConfig{suite, key_of(suite, 1), key_of(suite, 2)};
  ASSERT_TRUE((*a)->start(to_tap, {}));
  EXPECT_EQ((*a)->srtp_suite(), suite);

  std::vector<char> digits;
  StreamParams at_b;
  at_b.remote = *io::Endpoint::parse("127.0.0.1", (*a)->local_port());
  at_b.telephone_event_pt = 101;
  at_b.srtp = SrtpConfig{suite, key_of(suite, 2), key_of(suite, 1)};
  MediaSession::Handlers handlers;
  handlers.on_digit = [&](char d) { digits.push_back(d); };
  ASSERT_TRUE((*b)->start(at_b, handlers));
  (*b)->keep_received_audio(true);

  auto prompt = test_prompt();
  (*a)->play(prompt);
  for (int i = 0; i < 5; ++i) (*a)->tick();
  (*a)->send_digit('5');
  while ((*a)->sending_digits()) (*a)->tick();
  run_for(loop, 100);
  ASSERT_GE(wire.size(), 6u);

  // What crossed the wire: readable RTP headers, encrypted payloads, and a tag.
  auto reader = SrtpSession::create({suite, key_of(suite, 9), key_of(suite, 1)});
  ASSERT_TRUE(reader);
  for (std::size_t i = 0; i < 5; ++i) {
    std::vector<std::uint8_t> packet = wire[i];
    auto header = parse_rtp(packet);
    ASSERT_TRUE(header);
    EXPECT_EQ(header->header.payload_type, 0);
    EXPECT_GT(packet.size(), kRtpHeaderSize + kFrameSamples);  // the auth tag
    const auto& frame = prompt->frames[i];
    std::vector<std::uint8_t> on_wire(packet.begin() + kRtpHeaderSize,
                                      packet.begin() + kRtpHeaderSize + kFrameSamples);
    EXPECT_NE(on_wire, std::vector<std::uint8_t>(frame.begin(), frame.end()))
        << "packet " << i << " carries plain G.711";
    alignas(8) std::uint8_t buffer[512];
    std::copy(packet.begin(), packet.end(), buffer);
    auto plain = (*reader)->unprotect_rtp(buffer, packet.size());
    ASSERT_TRUE(plain) << plain.error().message;
    ASSERT_EQ(*plain, kRtpHeaderSize + kFrameSamples);
    EXPECT_TRUE(std::equal(frame.begin(), frame.end(), buffer + kRtpHeaderSize));
  }

  // Forwarded to B, the same bytes are heard and the key press arrives.
  for (const auto& packet : wire)
    (*tap)->send_to(packet, *io::Endpoint::parse("127.0.0.1", (*b)->local_port()));
  run_for(loop, 100);
  EXPECT_EQ((*b)->stats().packets_received, wire.size());
  EXPECT_EQ((*b)->received_audio().size(), 5 * kFrameSamples);
  std::vector<std::int16_t> expected(kFrameSamples);
  decode_g711(G711::kUlaw, prompt->frames[0], expected);
  EXPECT_TRUE(std::equal(expected.begin(), expected.end(), (*b)->received_audio().begin()));
  EXPECT_EQ(digits, std::vector<char>{'5'});

  // A replayed packet and a plain RTP packet are dropped and counted.
  (*tap)->send_to(wire[0], *io::Endpoint::parse("127.0.0.1", (*b)->local_port()));
  std::uint8_t plain_packet[kRtpHeaderSize + kFrameSamples];
  RtpHeader h{0, false, 9999, 1234, 0x55667788};
  write_rtp(h, prompt->frames[0], plain_packet);
  (*tap)->send_to(plain_packet, *io::Endpoint::parse("127.0.0.1", (*b)->local_port()));
  run_for(loop, 100);
  EXPECT_EQ((*b)->stats().packets_received, wire.size());
  EXPECT_EQ((*b)->stats().srtp.replays, 1u);
  EXPECT_EQ((*b)->stats().srtp.auth_failures, 1u);
  EXPECT_EQ((*b)->received_audio().size(), 5 * kFrameSamples);
}

INSTANTIATE_TEST_SUITE_P(AllSuites, SrtpMediaSessionTest,
                         ::testing::Values(SrtpSuite::kAesCm128HmacSha1_80,
                                           SrtpSuite::kAesCm128HmacSha1_32,
                                           SrtpSuite::kAeadAes128Gcm, SrtpSuite::kAeadAes256Gcm));

TEST(MediaSessionSrtp, BadKeysMeanTheSessionDoesNotStart) {
  auto loop = io::EventLoop::create();
  ASSERT_TRUE(loop);
  IdGenerator ids(8);
  auto session = MediaSession::create(**loop, MediaConfig{"127.0.0.1", 42000, 42998}, ids);
  ASSERT_TRUE(session);
  StreamParams params;
  params.remote = *io::Endpoint::parse("127.0.0.1", 9);
  params.srtp = SrtpConfig{SrtpSuite::kAeadAes256Gcm, key_of(SrtpSuite::kAeadAes128Gcm, 1),
                           key_of(SrtpSuite::kAeadAes128Gcm, 2)};
  EXPECT_FALSE((*session)->start(params, {}));
  EXPECT_FALSE((*session)->srtp_suite());
  (*session)->tick();  // not started: sends nothing
  EXPECT_EQ((*session)->stats().packets_sent, 0u);
}

}  // namespace
}  // namespace keyline::media
