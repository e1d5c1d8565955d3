// How `keyline logs` prints a call log: the summary line, the detail entries and the media
// quality line. Only what the store holds is printed, and the store holds redacted values.
#include "server/call_log_print.h"

#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>

namespace keyline::server {

namespace {

std::string format_time(std::int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(unix_ms % 1000));
  return out;
}

}  // namespace

void print_call_media(const store::CallMediaRecord& m) {
  auto direction = [](const store::MediaDirectionRecord& d) {
    char text[96];
    std::snprintf(text, sizeof text, "%lld packets, %lld lost, jitter %.1f ms, MOS %.2f",
                  static_cast<long long>(d.packets), static_cast<long long>(d.lost), d.jitter_ms,
                  d.mos);
    return std::string(text);
  };
  std::cout << "  media " << m.codec << (m.srtp ? " SRTP" : " RTP")
            << "  in: " << direction(m.inbound)
            << "  out: " << (m.outbound ? direction(*m.outbound) : std::string("no reports"));
  if (m.rtt_ms) std::cout << "  rtt " << static_cast<int>(*m.rtt_ms) << " ms";
  std::cout << "\n";
}

void print_call_record(const store::CallRecord& r, bool details) {
  std::cout << "call " << r.call_id << "  start " << format_time(r.start_unix_ms) << "  duration "
            << (r.end_unix_ms - r.start_unix_ms) << " ms\n"
            << "  from " << r.from << "  to " << r.to << "  app " << (r.app.empty() ? "-" : r.app)
            << "  exit " << r.exit_reason << "\n";
  if (!details) return;
  std::cout << "  sip call-id " << r.sip_call_id << "  answered " << format_time(r.answer_unix_ms)
            << "  ended " << format_time(r.end_unix_ms) << "\n";
  for (const auto& v : r.visits)
    std::cout << "    " << v.page << "/" << v.module << " (" << v.type << "): " << v.result << "\n";
  if (r.media) print_call_media(*r.media);
}

}  // namespace keyline::server
