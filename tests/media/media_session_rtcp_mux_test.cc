// Component test: a call between two MediaSessions on loopback through a
// relay socket the test owns, which passes both directions, drops known RTP
// packets in each, and counts the RTCP packets that arrive on the RTP ports.
// With rtcp-mux (RFC 5761) every report must travel there, plain or SRTCP;
// without it, none may (reports go to the a=rtcp address instead). The
// reports both ways must give each side the exact loss of each direction, and
// the call's estimated MOS (media/call_quality.h) must be lower than a clean call's.
// Waits are loops with a far deadline; nothing asserts how long anything took.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <tuple>
#include <vector>

#include "base/ids.h"
#include "io/event_loop.h"
#include "io/udp_socket.h"
#include "media/call_quality.h"
#include "media/media_session.h"
#include "media/rtp_packet.h"

namespace keyline::media {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kDeadline = std::chrono::seconds(60);
const MediaConfig kPorts{"127.0.0.1", 46000, 46998};
constexpr int kPackets = 60;  // RTP packets each way that the relay passes or drops

void run_for(io::EventLoop& loop, int ms) {
  loop.add_timer(Millis(ms), [&loop] { loop.stop(); });
  loop.run();
}

io::Endpoint local(std::uint16_t port) { return *io::Endpoint::parse("127.0.0.1", port); }

SecretBytes key(std::uint8_t seed) {
  std::vector<std::uint8_t> bytes(srtp_key_salt_length(SrtpSuite::kAesCm128HmacSha1_80));
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(seed + i * 5);
  return *SecretBytes::from(bytes);
}

std::optional<SrtpConfig> srtp(bool on, std::uint8_t send, std::uint8_t receive) {
  if (!on) return std::nullopt;
  return SrtpConfig{SrtpSuite::kAesCm128HmacSha1_80, key(send), key(receive)};
}

// The RFC 5761 4 test, written out independently of the session's own.
bool is_rtcp(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[1] >= 192 && bytes[1] <= 223;
}

// One direction through the relay.
struct Leg {
  int seen = 0;     // RTP packets while passing
  int dropped = 0;  // of those
  int rtcp = 0;     // RTCP packets that came from the sender's RTP port
  std::optional<std::uint16_t> last_passed;
};

struct CallResult {
  MediaStats a, b;
  Leg ab, ba;
  bool ended_with_bye = false;
};

// Drops RTP packet i of a direction when drop_every > 0 and i % drop_every == drop_every / 2
// (so never the first few, which RFC 3550 A.1's probation needs).
CallResult run_call(bool encrypted, bool mux, int drop_ab_every, int drop_ba_every) {
  CallResult result;
  auto loop = io::EventLoop::create().value();
  IdGenerator ids(31);
  auto a = MediaSession::create(*loop, kPorts, ids).value();
  auto b = MediaSession::create(*loop, kPorts, ids).value();
  const io::Endpoint a_rtp = local(a->local_port());
  const io::Endpoint b_rtp = local(b->local_port());
  bool passing = true;
  std::unique_ptr<io::UdpSocket> relay;
  auto through = [&](Leg& leg, int drop_every, std::span<const std::uint8_t> bytes,
                     const io::Endpoint& to) {
    if (is_rtcp(bytes)) {
      ++leg.rtcp;
    } else {
      if (!passing) return;         // the stream has ended as far as the receiver knows
      auto rtp = parse_rtp(bytes);  // the header is clear in SRTP too
      if (!rtp) return;
      const int i = leg.seen++;
      if (drop_every > 0 && i % drop_every == drop_every / 2) {
        ++leg.dropped;
        return;
      }
      leg.last_passed = rtp->header.sequence;
    }
    relay->send_to(bytes, to);
  };
  relay = io::UdpSocket::bind(*loop, local(0),
                              [&](std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
                                if (from == a_rtp) through(result.ab, drop_ab_every, bytes, b_rtp);
                                if (from == b_rtp) through(result.ba, drop_ba_every, bytes, a_rtp);
                              })
              .value();
  const io::Endpoint via = local(relay->local().port());

  StreamParams to_b;
  to_b.remote = via;
  to_b.rtcp_mux = mux;
  // Without mux, as a=rtcp would say: reports straight to B's RTCP port.
  if (!mux) to_b.remote_rtcp = local(b->local_rtcp_port());
  to_b.rtcp_interval = Millis(100);
  to_b.srtp = srtp(encrypted, 1, 2);
  EXPECT_TRUE(a->start(to_b, {}));
  StreamParams to_a = to_b;
  if (!mux) to_a.remote_rtcp = local(a->local_rtcp_port());
  to_a.srtp = srtp(encrypted, 2, 1);
  EXPECT_TRUE(b->start(to_a, {}));

  for (auto start = Clock::now(); (result.ab.seen < kPackets || result.ba.seen < kPackets) &&
                                  Clock::now() - start < kDeadline;) {
    // Exactly kPackets each (tick() sends one RTP packet, and RTCP when due).
    for (int t = 0; t < 5; ++t) {
      if (a->stats().packets_sent < std::uint64_t{kPackets}) a->tick();
      if (b->stats().packets_sent < std::uint64_t{kPackets}) b->tick();
    }
    run_for(*loop, 10);
  }
  EXPECT_EQ(result.ab.seen, kPackets);
  EXPECT_EQ(result.ba.seen, kPackets);
  passing = false;

  // Both report until each side has a block about its stream that covers the last packet
  // passed and echoes one of its SRs (so a round trip too).
  auto covered = [](const MediaSession& s, const Leg& leg) {
    const RtcpStats& r = s.stats().rtcp;
    return r.remote_report && r.rtt_ms && leg.last_passed &&
           static_cast<std::uint16_t>(r.remote_highest_sequence) == *leg.last_passed;
  };
  for (auto start = Clock::now();
       !(covered(*a, result.ab) && covered(*b, result.ba)) && Clock::now() - start < kDeadline;) {
    a->tick();
    b->tick();
    run_for(*loop, 20);
  }
  EXPECT_TRUE(covered(*a, result.ab));
  EXPECT_TRUE(covered(*b, result.ba));
  result.a = a->stats();
  result.b = b->stats();
  a.reset();  // its BYE reaches B the same way its reports did
  for (auto start = Clock::now();
       !b->stats().rtcp.bye_received && Clock::now() - start < kDeadline;)
    run_for(*loop, 10);
  result.ended_with_bye = b->stats().rtcp.bye_received;
  return result;
}

class RtcpTransport : public ::testing::TestWithParam<std::tuple<bool, bool>> {};

TEST_P(RtcpTransport, ReportsTakeTheNegotiatedPortAndCarryEachDirectionsLoss) {
  const auto [encrypted, mux] = GetParam();
  const CallResult call = run_call(encrypted, mux, 10, 20);
  if (mux) {
    EXPECT_GT(call.ab.rtcp, 0) << "A's reports leave from its RTP port";
    EXPECT_GT(call.ba.rtcp, 0) << "B's reports leave from its RTP port";
  } else {
    EXPECT_EQ(call.ab.rtcp, 0);
    EXPECT_EQ(call.ba.rtcp, 0);
  }
  EXPECT_EQ(call.ab.dropped, 6);
  EXPECT_EQ(call.ba.dropped, 3);
  // What B measured and told A, and the other way round.
  EXPECT_EQ(call.b.rtcp.packets_lost, call.ab.dropped);
  EXPECT_EQ(call.a.rtcp.remote_packets_lost, call.ab.dropped);
  EXPECT_EQ(call.a.rtcp.packets_lost, call.ba.dropped);
  EXPECT_EQ(call.b.rtcp.remote_packets_lost, call.ba.dropped);
  EXPECT_EQ(call.b.packets_received, static_cast<std::uint64_t>(kPackets - call.ab.dropped));
  EXPECT_EQ(call.a.packets_received, static_cast<std::uint64_t>(kPackets - call.ba.dropped));
  for (const MediaStats* s : {&call.a, &call.b}) {
    EXPECT_EQ(s->rtcp.malformed, 0u);
    EXPECT_EQ(s->srtp.auth_failures + s->srtp.other_errors, 0u);
  }
  EXPECT_TRUE(call.ended_with_bye);
}

INSTANTIATE_TEST_SUITE_P(PlainAndSrtpMuxedOrNot, RtcpTransport,
                         ::testing::Combine(::testing::Values(false, true),
                                            ::testing::Values(false, true)),
                         [](const auto& info) {
                           return std::string(std::get<0>(info.param) ? "Srtp" : "Plain") +
                                  (std::get<1>(info.param) ? "Muxed" : "OwnPort");
                         });

TEST(CallQualityOverLoopback, LossPerDirectionLowersThatDirectionsMos) {
  const CallResult clean = run_call(false, true, 0, 0);
  const CallResult lossy = run_call(false, true, 10, 20);  // 10 % to B, 5 % to A

  const CallQuality q_clean = call_quality(clean.a);
  const CallQuality q = call_quality(lossy.a);
  ASSERT_TRUE(q_clean.outbound);
  ASSERT_TRUE(q.outbound);
  EXPECT_EQ(q_clean.inbound.lost, 0);
  EXPECT_EQ(q_clean.outbound->lost, 0);
  EXPECT_EQ(q.inbound.lost, lossy.ba.dropped);
  EXPECT_EQ(q.outbound->lost, lossy.ab.dropped);
  EXPECT_EQ(q.inbound.packets, kPackets - lossy.ba.dropped);
  ASSERT_TRUE(q.rtt_ms);

  // The MOS also counts delay (half the round trip, twice the jitter), which a loaded machine
  // raises; so no absolute score is asserted. 5 % loss costs about 51 R points, as much as
  // ~380 ms more one-way delay would: the clean call could only score lower if the machine
  // stalled that much more during it.
  EXPECT_LT(q.inbound.mos, q_clean.inbound.mos);
  EXPECT_LT(q.outbound->mos, q_clean.outbound->mos);
}

}  // namespace
}  // namespace keyline::media
