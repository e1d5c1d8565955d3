#include "server/server_metrics.h"

namespace keyline::server {

std::string ServerMetrics::prometheus_text() const {
  auto line = [](const char* name, const char* type, const char* help, auto value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  return line("keyline_calls_total", "counter", "Inbound calls received.", calls_total.load()) +
         line("keyline_calls_rejected_total", "counter", "Inbound calls refused with an error.",
              calls_rejected.load()) +
         line("keyline_calls_active", "gauge", "Calls in progress.", calls_active.load()) +
         line("keyline_call_log_write_errors_total", "counter", "Call logs that failed to write.",
              call_log_write_errors.load()) +
         speech_text() + media_text() + sip_text();
}

void ServerMetrics::count_sip_response(int status) {
  if (status >= 100 && status <= 699) ++sip_responses[static_cast<std::size_t>(status - 100)];
}

void ServerMetrics::count_sip_request(std::string_view method) {
  std::size_t i = 0;
  while (i + 1 < kSipMethods.size() && method != kSipMethods[i]) ++i;
  ++sip_requests[i];
}

std::string ServerMetrics::sip_text() const {
  std::string out =
      "# HELP keyline_sip_responses_sent_total SIP responses sent, by status code "
      "(retransmissions included).\n# TYPE keyline_sip_responses_sent_total counter\n";
  for (std::size_t i = 0; i < sip_responses.size(); ++i)
    if (auto n = sip_responses[i].load())
      out += "keyline_sip_responses_sent_total{code=\"" + std::to_string(i + 100) + "\"} " +
             std::to_string(n) + "\n";
  out +=
      "# HELP keyline_sip_requests_received_total SIP requests received, by method.\n"
      "# TYPE keyline_sip_requests_received_total counter\n";
  for (std::size_t i = 0; i < kSipMethods.size(); ++i)
    out += "keyline_sip_requests_received_total{method=\"" + std::string(kSipMethods[i]) + "\"} " +
           std::to_string(sip_requests[i].load()) + "\n";
  return out;
}

std::string ServerMetrics::gauge_text(const char* name, const char* help, std::uint64_t value) {
  return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " +
         std::to_string(value) + "\n";
}

std::string ServerMetrics::media_text() const {
  auto line = [](const char* name, const char* help, auto value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(value) + "\n";
  };
  return line("keyline_media_call_ticks_total", "RTP frames due (one per call per 20 ms tick).",
              media_call_ticks.load()) +
         line("keyline_media_call_ticks_late_total",
              "RTP frames sent more than 5 ms after they were due.", media_call_ticks_late.load()) +
         line("keyline_media_ticks_skipped_total",
              "Media ticks skipped because the worker fell a whole tick behind.",
              media_ticks_skipped.load()) +
         line("keyline_rtp_packets_sent_total", "RTP packets sent, counted when calls end.",
              rtp_packets_sent.load()) +
         line("keyline_rtp_packets_received_total",
              "RTP packets received (after SRTP checks), counted when calls end.",
              rtp_packets_received.load()) +
         line("keyline_rtp_packets_lost_total",
              "RTP packets the callers sent that never arrived (RFC 3550 A.3), at call end.",
              rtp_packets_lost.load());
}

std::string ServerMetrics::speech_text() const {
  auto line = [](const char* name, const char* help, std::uint64_t value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(value) + "\n";
  };
  return line("keyline_asr_recognitions_total", "Speech-input turns recognised.",
              asr_recognitions.load()) +
         line("keyline_asr_nomatch_total", "Speech-input turns that were a no-match.",
              asr_nomatch.load()) +
         line("keyline_asr_noinput_total", "Speech-input turns with no speech.",
              asr_noinput.load()) +
         line("keyline_asr_errors_total", "Speech-input turns the recognizer failed.",
              asr_errors.load()) +
         line("keyline_asr_speech_starts_total", "Callers who started speaking in a turn.",
              asr_speech_starts.load());
}

}  // namespace keyline::server
