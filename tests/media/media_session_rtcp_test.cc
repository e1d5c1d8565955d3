// Component test: two MediaSessions on loopback exchanging RTCP, with a short
// report interval so nothing waits long. A's RTP goes through a socket the
// test owns, which drops known packets before forwarding to B; B's reports
// about A must then say exactly what was lost, the highest sequence that got
// through, and (because A's SRs reach B directly) a round trip. Run in the
// plain and the SRTP/SRTCP flavour. Waits are generous loops with a far
// deadline; nothing asserts how long anything took.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <vector>

#include "base/ids.h"
#include "io/event_loop.h"
#include "io/udp_socket.h"
#include "media/media_session.h"
#include "media/rtp_packet.h"

namespace keyline::media {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kDeadline = std::chrono::seconds(60);
const MediaConfig kPorts{"127.0.0.1", 45000, 45998};

void run_for(io::EventLoop& loop, int ms) {
  loop.add_timer(Millis(ms), [&loop] { loop.stop(); });
  loop.run();
}

io::Endpoint local(std::uint16_t port) { return *io::Endpoint::parse("127.0.0.1", port); }

SecretBytes key(std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(srtp_key_salt_length(SrtpSuite::kAesCm128HmacSha1_80));
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(seed + i * 7);
  return *SecretBytes::from(bytes);
}

std::optional<SrtpConfig> srtp(bool on, std::uint8_t send, std::uint8_t receive) {
  if (!on) return std::nullopt;
  return SrtpConfig{SrtpSuite::kAesCm128HmacSha1_80, key(send), key(receive)};
}

class MediaSessionRtcp : public ::testing::TestWithParam<bool> {};

TEST_P(MediaSessionRtcp, PeerReportBlocksReflectWhatGotThrough) {
  const bool encrypted = GetParam();
  auto loop = io::EventLoop::create().value();
  IdGenerator ids(21);
  auto a = MediaSession::create(*loop, kPorts, ids).value();
  auto b = MediaSession::create(*loop, kPorts, ids).value();

  // The tap forwards A's RTP to B, dropping every 10th packet from the 5th
  // on, until told to stop (then B's view of A stays fixed).
  bool forwarding = true;
  int seen = 0, dropped = 0;
  std::optional<std::uint16_t> last_forwarded;
  const io::Endpoint a_rtp = local(a->local_port());
  const io::Endpoint b_rtp = local(b->local_port());
  std::unique_ptr<io::UdpSocket> tap;
  tap = io::UdpSocket::bind(*loop, local(0),
                            [&](std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
                              if (!(from == a_rtp) || !forwarding) return;
                              auto rtp = parse_rtp(bytes);  // the header is clear even in SRTP
                              if (!rtp) return;
                              if (seen++ % 10 == 5) {
                                ++dropped;
                                return;
                              }
                              last_forwarded = rtp->header.sequence;
                              tap->send_to(bytes, b_rtp);
                            })
            .value();

  StreamParams to_b;
  to_b.remote = local(tap->local().port());
  to_b.remote_rtcp = local(b->local_rtcp_port());  // SRs straight to B, for the round trip
  to_b.rtcp_interval = Millis(100);
  to_b.srtp = srtp(encrypted, 1, 2);
  ASSERT_TRUE(a->start(to_b, {}));
  StreamParams to_a;
  to_a.remote = a_rtp;  // RTCP to its port + 1
  to_a.rtcp_interval = Millis(100);
  to_a.srtp = srtp(encrypted, 2, 1);
  ASSERT_TRUE(b->start(to_a, {}));

  for (int i = 0; i < 12; ++i) {  // 60 packets from A
    for (int t = 0; t < 5; ++t) a->tick();
    run_for(*loop, 10);
  }
  // Everything sent has arrived or been dropped once the tap has seen all 60.
  for (auto start = Clock::now(); seen < 60 && Clock::now() - start < kDeadline;)
    run_for(*loop, 10);
  ASSERT_EQ(seen, 60);
  forwarding = false;
  ASSERT_TRUE(last_forwarded);

  // Now both report: wait for a block from B that covers the last packet
  // forwarded and echoes one of A's SRs.
  auto done = [&] {
    const RtcpStats& s = a->stats().rtcp;
    return s.remote_report && s.rtt_ms &&
           static_cast<std::uint16_t>(s.remote_highest_sequence) == *last_forwarded;
  };
  for (auto start = Clock::now(); !done() && Clock::now() - start < kDeadline;) {
    a->tick();
    b->tick();
    run_for(*loop, 20);
  }
  ASSERT_TRUE(done());
  const RtcpStats& about_a = a->stats().rtcp;
  EXPECT_EQ(dropped, 6);
  EXPECT_EQ(about_a.remote_packets_lost, dropped);
  EXPECT_GE(*about_a.rtt_ms, 0.0);
  EXPECT_GE(about_a.remote_jitter_ms, 0.0);
  EXPECT_GT(about_a.reports_received, 0u);
  EXPECT_EQ(about_a.malformed, 0u);
  // B's own view of A agrees with what it told A.
  EXPECT_EQ(b->stats().rtcp.packets_lost, dropped);
  EXPECT_EQ(b->stats().packets_received, 60u - dropped);
  EXPECT_EQ(a->stats().octets_sent, a->stats().packets_sent * kFrameSamples);
  EXPECT_EQ(a->stats().srtp.auth_failures + b->stats().srtp.auth_failures, 0u);

  // BYE: B hears it when A's session ends.
  a.reset();
  for (auto start = Clock::now();
       !b->stats().rtcp.bye_received && Clock::now() - start < kDeadline;)
    run_for(*loop, 10);
  EXPECT_TRUE(b->stats().rtcp.bye_received);
}

INSTANTIATE_TEST_SUITE_P(PlainAndSrtp, MediaSessionRtcp, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Srtcp" : "Plain"; });

TEST(MediaSessionRtcpSecurity, PlainRtcpIsDroppedBySrtpSession) {
  auto loop = io::EventLoop::create().value();
  IdGenerator ids(22);
  auto b = MediaSession::create(*loop, kPorts, ids).value();
  auto sender = io::UdpSocket::bind(*loop, local(0), [](auto, const auto&) {}).value();
  StreamParams params;
  params.remote = local(sender->local().port());
  params.srtp = srtp(true, 3, 4);
  ASSERT_TRUE(b->start(params, {}));
  RtcpSession forger(99, "forger");
  forger.on_sent(160);
  std::vector<std::uint8_t> report = forger.build(1, 0, true);
  sender->send_to(report, local(b->local_rtcp_port()));
  for (auto start = Clock::now();
       b->stats().srtp.auth_failures + b->stats().srtp.other_errors == 0 &&
       Clock::now() - start < kDeadline;)
    run_for(*loop, 10);
  EXPECT_GT(b->stats().srtp.auth_failures + b->stats().srtp.other_errors, 0u);
  EXPECT_EQ(b->stats().rtcp.reports_received, 0u);
  EXPECT_FALSE(b->stats().rtcp.bye_received);
}

TEST(MediaSessionInactivity, SilentPeerIsReportedOnceAndTrafficResetsTheClock) {
  auto loop = io::EventLoop::create().value();
  IdGenerator ids(23);
  auto a = MediaSession::create(*loop, kPorts, ids).value();
  auto b = MediaSession::create(*loop, kPorts, ids).value();
  StreamParams to_b;
  to_b.remote = local(b->local_port());
  ASSERT_TRUE(a->start(to_b, {}));
  StreamParams to_a;
  to_a.remote = local(a->local_port());
  to_a.inactivity_timeout = Millis(300);
  int fired = 0;
  MediaSession::Handlers h;
  h.on_inactive = [&] { ++fired; };
  ASSERT_TRUE(b->start(to_a, h));
  const SteadyTime started = b->last_received();

  for (auto start = Clock::now();
       b->stats().packets_received == 0 && Clock::now() - start < kDeadline;) {
    a->tick();
    run_for(*loop, 10);
  }
  ASSERT_GT(b->stats().packets_received, 0u);
  EXPECT_GT(b->last_received(), started);  // RTP moved the inactivity clock

  // A falls silent (no ticks, no RTCP): B reports it, once.
  for (auto start = Clock::now(); fired == 0 && Clock::now() - start < kDeadline;) {
    b->tick();
    run_for(*loop, 20);
  }
  EXPECT_EQ(fired, 1);
  for (int i = 0; i < 10; ++i) {
    b->tick();
    run_for(*loop, 40);
  }
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace keyline::media
