// Per-packet media costs: G.711 encoding of a 20 ms frame, RTP packet
// parsing and writing, RFC 4733 de-duplication, SDP offer/answer, RTCP
// receive statistics per packet and a report built and parsed.
#include <benchmark/benchmark.h>

#include <array>
#include <cmath>
#include <vector>

#include "media/g711.h"
#include "media/rfc4733.h"
#include "media/rtcp_session.h"
#include "media/rtp_packet.h"
#include "media/srtp_session.h"
#include "sdp/negotiation.h"
#include "sdp/session.h"

namespace {

using namespace keyline;

void BM_EncodeUlawFrame(benchmark::State& state) {
  std::array<std::int16_t, 160> pcm;
  for (std::size_t i = 0; i < pcm.size(); ++i)
    pcm[i] = static_cast<std::int16_t>(8000 * std::sin(static_cast<double>(i) * 0.3));
  std::array<std::uint8_t, 160> out;
  for (auto _ : state) {
    media::encode_g711(media::G711::kUlaw, pcm, out);
    benchmark::DoNotOptimize(out);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_EncodeUlawFrame);

void BM_RtpWriteParse(benchmark::State& state) {
  std::array<std::uint8_t, 160> payload{};
  std::array<std::uint8_t, 172> packet;
  media::RtpHeader h{0, false, 1, 160, 0x1234};
  for (auto _ : state) {
    ++h.sequence;
    std::size_t n = media::write_rtp(h, payload, packet);
    auto parsed = media::parse_rtp(std::span<const std::uint8_t>(packet.data(), n));
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtpWriteParse);

void BM_RtcpReceiveStatsPerPacket(benchmark::State& state) {
  media::RtcpSession session(1, "bench@keyline");
  media::RtpHeader h{0, false, 0, 0, 0x42};
  std::uint32_t arrival = 0;
  for (auto _ : state) {
    ++h.sequence;
    h.timestamp += 160;
    arrival += 160 + (h.sequence & 7);  // a little jitter
    session.on_received(h, true, arrival);
  }
  benchmark::DoNotOptimize(session.stats());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtcpReceiveStatsPerPacket);

void BM_RtcpReportBuildParse(benchmark::State& state) {
  media::RtcpSession a(1, "a1b2c3d4e5f6g7h8@keyline"), b(2, "b@keyline");
  media::RtpHeader h{0, false, 0, 0, 1};
  for (int i = 0; i < 50; ++i) {
    a.on_sent(160);
    ++h.sequence;
    h.timestamp += 160;
    b.on_received(h, true, h.timestamp);
  }
  std::uint64_t ntp = std::uint64_t{3900000000} << 32;
  for (auto _ : state) {
    ntp += std::uint64_t{5} << 32;
    auto bytes = b.build(ntp, 0);  // SR+SDES with one report block
    auto parsed = media::parse_rtcp(bytes);
    if (parsed) a.on_rtcp(*parsed, ntp);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RtcpReportBuildParse);

void BM_DtmfReceiver(benchmark::State& state) {
  auto packets = media::build_dtmf_packets('5');
  media::RtpHeader h{101, false, 0, 0, 0x42};
  media::DtmfReceiver receiver;
  for (auto _ : state) {
    h.timestamp += 8000;  // a new press each round
    int digits = 0;
    for (auto& p : packets) {
      h.marker = p.marker;
      ++h.sequence;
      if (receiver.on_packet(h, p.payload)) ++digits;
    }
    benchmark::DoNotOptimize(digits);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(packets.size()));
}
BENCHMARK(BM_DtmfReceiver);

void BM_SdpAnswer(benchmark::State& state) {
  const std::string offer_text =
      "v=0\r\no=alice 2890844526 2890844526 IN IP4 198.51.100.7\r\ns=-\r\n"
      "c=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 49170 RTP/AVP 9 0 8 101\r\n"
      "a=rtpmap:9 G722/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
      "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n";
  sdp::LocalMedia local;
  local.address = "192.0.2.10";
  local.rtp_port = 10000;
  local.session_id = 1;
  for (auto _ : state) {
    auto offer = sdp::parse(offer_text);
    auto answer = sdp::answer_offer(*offer, local);
    std::string text = sdp::serialize(answer->sdp);
    benchmark::DoNotOptimize(text);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SdpAnswer);

}  // namespace

// One RTP packet protected by the sender and unprotected by the receiver, per
// suite: the SRTP work a call adds per packet each way, to compare with
// BM_RtpWriteParse. Debian's libsrtp2 is built on NSS; SrtpSession replaces
// its AES and HMAC with OpenSSL-backed ones (media/srtp_openssl_primitives.h),
// so this measures libsrtp2's protocol work on those.
void BM_SrtpProtectUnprotect(benchmark::State& state) {
  const auto suite = static_cast<media::SrtpSuite>(state.range(0));
  std::vector<std::uint8_t> key(media::srtp_key_salt_length(suite));
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i * 7 + 1);
  auto config = [&] {
    media::SrtpConfig c;
    c.suite = suite;
    c.send_key = *SecretBytes::from(key);
    c.receive_key = *SecretBytes::from(key);
    return c;
  };
  auto sender = media::SrtpSession::create(config());
  auto receiver = media::SrtpSession::create(config());
  if (!sender || !receiver) {
    state.SkipWithError("libsrtp could not be set up");
    return;
  }
  std::array<std::uint8_t, 160> payload{};
  std::vector<std::uint8_t> packet(12 + payload.size() + media::kSrtpMaxOverhead);
  media::RtpHeader h{0, false, 1, 160, 0x1234};
  for (auto _ : state) {
    ++h.sequence;
    h.timestamp += 160;
    std::size_t n = media::write_rtp(h, payload, packet);
    auto sealed = (*sender)->protect_rtp(packet, n);
    auto opened = (*receiver)->unprotect_rtp(packet, *sealed);
    benchmark::DoNotOptimize(opened);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SrtpProtectUnprotect)
    ->Arg(static_cast<int>(media::SrtpSuite::kAesCm128HmacSha1_80))
    ->Arg(static_cast<int>(media::SrtpSuite::kAesCm128HmacSha1_32))
    ->Arg(static_cast<int>(media::SrtpSuite::kAeadAes128Gcm))
    ->Arg(static_cast<int>(media::SrtpSuite::kAeadAes256Gcm));

BENCHMARK_MAIN();
