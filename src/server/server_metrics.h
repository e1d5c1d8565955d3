// Counters the worker updates and the API thread reads for /metrics, as
// atomics so neither side takes a lock on the call path.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace keyline::server {

struct ServerMetrics {
  std::atomic<std::uint64_t> calls_total{0};     // INVITEs that created a call record
  std::atomic<std::uint64_t> calls_rejected{0};  // answered with an error status
  std::atomic<std::int64_t> calls_active{0};     // sessions alive now
  std::atomic<std::uint64_t> call_log_write_errors{0};
  // Speech input (server/call_speech.cc).
  std::atomic<std::uint64_t> asr_recognitions{0};  // turns decoded and delivered to the flow
  std::atomic<std::uint64_t> asr_nomatch{0};       // ... of which no-match
  std::atomic<std::uint64_t> asr_noinput{0};       // ... of which no-input
  std::atomic<std::uint64_t> asr_errors{0};        // turns the recognizer could not start or decode
  std::atomic<std::uint64_t> asr_speech_starts{0};  // the caller started speaking (barge-in signal)

  // Media pacing and RTP totals (server_media_tick.cc). A "call tick" is one
  // call's turn in the worker's 20 ms media tick: one RTP frame due.
  std::atomic<std::uint64_t> media_call_ticks{0};
  std::atomic<std::uint64_t> media_call_ticks_late{0};  // ... run more than 5 ms after due
  std::atomic<std::uint64_t> media_ticks_skipped{0};    // whole ticks the loop fell behind on
  std::atomic<std::uint64_t> rtp_packets_sent{0};       // summed when each call ends
  std::atomic<std::uint64_t> rtp_packets_received{0};
  std::atomic<std::int64_t> rtp_packets_lost{0};  // RFC 3550 A.3, as seen by us

  // SIP: responses sent by status code (100-699, retransmissions included) and
  // requests received by method, for CPS and error rates.
  std::array<std::atomic<std::uint64_t>, 600> sip_responses{};
  static constexpr std::array<const char*, 14> kSipMethods = {
      "INVITE", "ACK",   "BYE",   "CANCEL", "OPTIONS",   "REGISTER", "INFO",
      "UPDATE", "PRACK", "REFER", "NOTIFY", "SUBSCRIBE", "MESSAGE",  "other"};
  std::array<std::atomic<std::uint64_t>, kSipMethods.size()> sip_requests{};
  void count_sip_response(int status);
  void count_sip_request(std::string_view method);

  // Prometheus text exposition format (version 0.0.4).
  std::string prometheus_text() const;
  std::string media_text() const;  // the media_* and rtp_* counters
  std::string sip_text() const;    // responses by code, requests by method
  // One gauge in the same format, for figures kept elsewhere.
  static std::string gauge_text(const char* name, const char* help, std::uint64_t value);
  std::string speech_text() const;  // the asr_* counters
};

}  // namespace keyline::server
