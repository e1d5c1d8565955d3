// SIP message parsing and serialization throughput on typical messages.
// Target (issue: SIP core): ≥ 1,000,000 typical INVITEs parsed per second per core.
#include <benchmark/benchmark.h>

#include <string>

#include "sip/message.h"
#include "sip/message_view.h"

namespace {

const std::string kInvite =
    "INVITE sip:100@192.0.2.10:5060 SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bK776asdhds;rport\r\n"
    "Max-Forwards: 70\r\n"
    "To: <sip:100@192.0.2.10>\r\n"
    "From: \"Alice\" <sip:alice@198.51.100.7>;tag=1928301774\r\n"
    "Call-ID: a84b4c76e66710@pc33.example.com\r\n"
    "CSeq: 314159 INVITE\r\n"
    "Contact: <sip:alice@198.51.100.7:5060>\r\n"
    "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY\r\n"
    "Supported: replaces, timer\r\n"
    "User-Agent: ExamplePhone/1.0\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: 229\r\n"
    "\r\n"
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 198.51.100.7\r\n"
    "s=-\r\n"
    "c=IN IP4 198.51.100.7\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n";

void BM_ParseInvite(benchmark::State& state) {
  for (auto _ : state) {
    auto parsed = keyline::sip::parse_message(kInvite);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kInvite.size()));
}
BENCHMARK(BM_ParseInvite);

// The zero-copy parse alone: the same checks as BM_ParseInvite, no owned Message at the end.
void BM_ParseInviteView(benchmark::State& state) {
  for (auto _ : state) {
    auto parsed = keyline::sip::parse_message_view(kInvite);
    benchmark::DoNotOptimize(parsed);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(kInvite.size()));
}
BENCHMARK(BM_ParseInviteView);

void BM_SerializeInvite(benchmark::State& state) {
  auto parsed = keyline::sip::parse_message(kInvite);
  const auto& message = std::get<keyline::sip::Message>(parsed);
  for (auto _ : state) {
    std::string bytes = message.serialize();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SerializeInvite);

void BM_MakeResponse(benchmark::State& state) {
  auto parsed = keyline::sip::parse_message(kInvite);
  const auto& message = std::get<keyline::sip::Message>(parsed);
  for (auto _ : state) {
    auto response = keyline::sip::make_response(message, 200, {}, "as83kd9bs");
    std::string bytes = response.serialize();
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MakeResponse);

}  // namespace

BENCHMARK_MAIN();
