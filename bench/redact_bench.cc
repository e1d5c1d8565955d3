// Redaction cost per log line: every line the server logs goes through it.
#include <benchmark/benchmark.h>

#include <string>

#include "privacy/redact.h"

namespace {

using keyline::privacy::redact;
using keyline::privacy::redact_digits;
using keyline::privacy::RedactionPolicy;

// The common case: an ordinary line with a few short numbers.
void BM_RedactPlainLine(benchmark::State& state) {
  RedactionPolicy policy;
  const std::string line =
      "call 7f3a9c ended (bye, app exit hangup, 4 modules, rtp sent 250 received 249)";
  for (auto _ : state) benchmark::DoNotOptimize(redact(line, policy));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(line.size()));
}
BENCHMARK(BM_RedactPlainLine);

void BM_RedactNoDigits(benchmark::State& state) {
  RedactionPolicy policy;
  const std::string line = "media could not start: no codec in common with the offer";
  for (auto _ : state) benchmark::DoNotOptimize(redact(line, policy));
}
BENCHMARK(BM_RedactNoDigits);

// A line full of what the recognisers look for.
void BM_RedactSensitiveLine(benchmark::State& state) {
  RedactionPolicy policy;
  const std::string line =
      "payment card 4111 1111 1111 1111 exp 12/27 cvv 123, account 12345678, "
      "routing 011000015, ssn 123-45-6789, dob 01/02/1980";
  for (auto _ : state) benchmark::DoNotOptimize(redact(line, policy));
}
BENCHMARK(BM_RedactSensitiveLine);

// A debug-level SIP message (about 600 bytes), the longest lines we log.
void BM_RedactSipMessage(benchmark::State& state) {
  RedactionPolicy policy;
  const std::string msg =
      "recv from 127.0.0.1:40123\nINVITE sip:100@127.0.0.1:5060 SIP/2.0\r\n"
      "Via: SIP/2.0/UDP 127.0.0.1:40123;branch=z9hG4bK776asdhds;rport\r\n"
      "Max-Forwards: 70\r\nTo: <sip:100@127.0.0.1>\r\n"
      "From: <sip:15551234567@127.0.0.1>;tag=1928301774\r\n"
      "Call-ID: a84b4c76e66710@pc33.example.com\r\nCSeq: 314159 INVITE\r\n"
      "Contact: <sip:15551234567@127.0.0.1:40123>\r\nContent-Type: application/sdp\r\n"
      "Content-Length: 142\r\n\r\nv=0\r\no=- 2890844526 2890844526 IN IP4 127.0.0.1\r\n"
      "s=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 101\r\n"
      "a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\n";
  for (auto _ : state) benchmark::DoNotOptimize(redact(msg, policy));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(msg.size()));
}
BENCHMARK(BM_RedactSipMessage);

void BM_RedactWithOperatorPatterns(benchmark::State& state) {
  RedactionPolicy policy;
  for (int i = 0; i < 4; ++i)
    policy.health_patterns.push_back(
        *keyline::privacy::make_health_pattern("p", "MRN-@@######", "none"));
  const std::string line = "patient chart MRN-AB123456 reviewed, 3 notes, next visit 2027-01-04";
  for (auto _ : state) benchmark::DoNotOptimize(redact(line, policy));
}
BENCHMARK(BM_RedactWithOperatorPatterns);

void BM_RedactDigits(benchmark::State& state) {
  RedactionPolicy policy;
  const std::string digits = "4111111111111111#";
  for (auto _ : state) benchmark::DoNotOptimize(redact_digits(digits, policy));
}
BENCHMARK(BM_RedactDigits);

}  // namespace

BENCHMARK_MAIN();
