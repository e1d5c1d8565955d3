// One call's log entry, as written by the server at hang-up and read by
// `keyline logs`. Values arrive already redacted by the flow layer; the store
// redacts again before writing (defence in depth: nothing sensitive on disk).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace keyline::store {

struct ModuleVisitRecord {
  std::string page;
  std::string module;
  std::string type;
  std::string result;
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
};

}  // namespace keyline::store
