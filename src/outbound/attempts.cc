#include "outbound/attempts.h"

namespace keyline::outbound {
namespace {

using store::OutboundStatus;

void make_final(store::OutboundCall& call, OutboundStatus status, std::int64_t now_ms) {
  call.status = status;
  if (call.disconnected_unix_ms == 0) call.disconnected_unix_ms = now_ms;
  call.result_pending = !call.result_url.empty();
  // Private data is kept only as long as the call needs it.
  if (call.secure) call.parameters = "{}";
}

}  // namespace

std::string_view attempt_outcome_name(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::kCompleted:
      return "completed";
    case AttemptOutcome::kBusy:
      return "busy";
    case AttemptOutcome::kNoAnswer:
      return "noanswer";
    case AttemptOutcome::kError:
      return "error";
  }
  return "error";
}

void mark_connected(store::OutboundCall& call, const std::string& session_id, std::int64_t now_ms) {
  call.status = OutboundStatus::kConnected;
  call.connected_unix_ms = now_ms;
  call.disconnected_unix_ms = 0;
  call.events.push_back({"connected", now_ms});
  if (!session_id.empty()) call.session_ids.push_back(session_id);
}

void finish_attempt(store::OutboundCall& call, AttemptOutcome outcome, std::int64_t now_ms) {
  const std::string name(attempt_outcome_name(outcome));
  call.last_result = name;
  if (outcome == AttemptOutcome::kCompleted) {
    call.disconnected_unix_ms = now_ms;
    call.events.push_back({"disconnected", now_ms});
    make_final(call, OutboundStatus::kCompleted, now_ms);
    return;
  }
  call.events.push_back({name, now_ms});
  const std::int64_t next = now_ms + static_cast<std::int64_t>(call.reattempt_wait_s) * 1000;
  const bool in_window = call.end_unix_ms == 0 || next < call.end_unix_ms;
  if (call.attempts < call.max_attempts && in_window) {
    call.status = OutboundStatus::kQueued;
    call.next_attempt_unix_ms = next;
    call.events.push_back({"queued", now_ms});
    return;
  }
  call.events.push_back({"failed", now_ms});
  make_final(call, OutboundStatus::kFailed, now_ms);
}

void fail_call(store::OutboundCall& call, const std::string& why, std::int64_t now_ms) {
  call.last_result = why;
  call.events.push_back({why, now_ms});
  call.events.push_back({"failed", now_ms});
  make_final(call, OutboundStatus::kFailed, now_ms);
}

std::int64_t talk_seconds(const store::OutboundCall& call) {
  if (call.connected_unix_ms == 0 || call.disconnected_unix_ms < call.connected_unix_ms) return 0;
  return (call.disconnected_unix_ms - call.connected_unix_ms + 500) / 1000;
}

}  // namespace keyline::outbound
