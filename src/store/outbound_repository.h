// The outbound call queue (docs/api.md, "Outbound calls"): one row per queued call of a
// deployment, with its schedule, attempts, events and result. The API adds and cancels rows;
// the dialer (server/outbound_dialer.h) claims due ones, records each attempt, and posts the
// result. SQLite (sqlite_outbound.cc) and PostgreSQL (pg_outbound.cc) implement it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::store {

enum class OutboundStatus { kQueued, kDialing, kConnected, kCompleted, kFailed, kCanceled };
std::string_view outbound_status_name(OutboundStatus status);
std::optional<OutboundStatus> parse_outbound_status(std::string_view name);
// completed, failed and canceled: nothing more happens to the call but its result POST.
bool outbound_final(OutboundStatus status);

struct OutboundEvent {
  std::string event;  // queued, dialing, connected, disconnected, busy, noanswer, error, ...
  std::int64_t at_unix_ms = 0;
};

struct OutboundCall {
  std::string id;
  std::string deployment;    // the deployment's label: its app runs on answer
  std::string owner;         // who queued it (email)
  std::string phone_number;  // as given, without ;ani= / ;postd=
  std::string ani;           // caller id; empty: the outbound.caller_id default
  std::string postd;         // keys sent after connect
  // The call parameters: a JSON object (name -> value) the app gets as variables. Private
  // when `secure`: wiped ("{}") once the call is final, and never in call_details.
  std::string parameters = "{}";
  bool secure = false;
  std::string result_url;  // POSTed call_details when the call is final; empty: none
  OutboundStatus status = OutboundStatus::kQueued;
  int attempts = 0;
  int max_attempts = 1;       // 1-10
  int reattempt_wait_s = 60;  // 60-86400
  std::int64_t queued_unix_ms = 0;
  std::int64_t start_unix_ms = 0;         // not before
  std::int64_t end_unix_ms = 0;           // not after (0: no end)
  std::int64_t next_attempt_unix_ms = 0;  // the next attempt is due then
  std::int64_t connected_unix_ms = 0;     // the last answered attempt's answer time
  std::int64_t disconnected_unix_ms = 0;
  std::string last_result;      // the last attempt: completed, busy, noanswer, error, expired, ...
  bool result_pending = false;  // final, with a result_url not yet posted
  std::vector<OutboundEvent> events;
  std::vector<std::string> session_ids;  // the call-log id of each answered attempt
};

class OutboundRepository {
 public:
  virtual ~OutboundRepository() = default;
  // All of them or none (a bulk queue is one transaction); ids must be new.
  virtual Status add(const std::vector<OutboundCall>& calls) = 0;
  virtual Result<std::optional<OutboundCall>> get(const std::string& id) = 0;
  // A deployment's calls, newest first (at most `limit`).
  virtual Result<std::vector<OutboundCall>> list(const std::string& deployment, int limit) = 0;
  // Up to `limit` queued calls due at `now` (window open, next attempt due), oldest due first,
  // each moved to `dialing` with attempts + 1 and a "dialing" event. A call another node
  // claimed first is not returned: each attempt is made once.
  virtual Result<std::vector<OutboundCall>> claim_due(std::int64_t now_unix_ms, int limit) = 0;
  // Queued calls whose end time passed at `now`: failed ("expired"), result pending when they
  // have a result_url. Returns how many.
  virtual Result<int> expire(std::int64_t now_unix_ms) = 0;
  // Writes the dialer's changes to a call (status, attempts, times, events, sessions,
  // parameters, result flags). False when no such call.
  virtual Result<bool> update(const OutboundCall& call) = 0;
  // Every queued call of the deployment becomes canceled ("canceled" event). Returns how many.
  virtual Result<int> cancel_pending(const std::string& deployment, std::int64_t now_unix_ms) = 0;
  // Final calls whose result_url has not been posted yet (up to `limit`).
  virtual Result<std::vector<OutboundCall>> results_due(int limit) = 0;
};

// Events and session ids travel in one text column each: "event at\n..." and "id\n...".
std::string encode_outbound_events(const std::vector<OutboundEvent>& events);
std::vector<OutboundEvent> decode_outbound_events(const std::string& text);

}  // namespace keyline::store
