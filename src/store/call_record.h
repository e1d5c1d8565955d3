// One call's log entry, as written by the server at hang-up and read by
// `keyline logs`. Values arrive already redacted by the flow layer; the store
// redacts again before writing (defence in depth: nothing sensitive on disk).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace keyline::store {

struct ModuleVisitRecord {
  std::string page;
  std::string module;
  std::string type;
  std::string result;
};

// The call's media for its CDR (media/call_quality.h computes it): what the
// caller sent us (inbound) and, when the caller's RTCP reported it, what
// reached the caller (outbound). Numbers only: nothing here can be private.
struct MediaDirectionRecord {
  std::int64_t packets = 0;
  std::int64_t lost = 0;
  double jitter_ms = 0;
  double mos = 0;
};

struct CallMediaRecord {
  std::string codec;  // "PCMU", "PCMA", "G722"
  bool srtp = false;
  MediaDirectionRecord inbound;
  std::optional<MediaDirectionRecord> outbound;
  std::optional<double> rtt_ms;
};

struct CallRecord {
  std::string call_id;
  std::string sip_call_id;
  std::string from;
  std::string to;
  std::string app;
  std::int64_t start_unix_ms = 0;
  std::int64_t answer_unix_ms = 0;  // 0 when never answered
  std::int64_t end_unix_ms = 0;
  std::string exit_reason;
  std::string direction = "inbound";  // "outbound" for calls the dialer placed
  std::vector<ModuleVisitRecord> visits;
  std::string deployment;  // the deployment's label (reports per deployment); may be empty
  std::optional<CallMediaRecord> media;  // absent for calls never answered
};

}  // namespace keyline::store
