// What happens to a queued call after each attempt (Plum's model, docs/api.md "Outbound
// calls"): answered and ended → completed; busy, no answer or an error → queued again after
// reattempt_wait while attempts and the window last, else failed. A final call gets its result
// POST marked pending and, when secure, its parameters wiped. Pure: the dialer and the tests
// drive it with their own clock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "store/outbound_repository.h"

namespace keyline::outbound {

enum class AttemptOutcome { kCompleted, kBusy, kNoAnswer, kError };
std::string_view attempt_outcome_name(AttemptOutcome outcome);  // completed, busy, noanswer, error

// The callee answered: status connected, a "connected" event, the attempt's call-log id kept.
void mark_connected(store::OutboundCall& call, const std::string& session_id, std::int64_t now_ms);

// The attempt ended with `outcome` at `now_ms`.
void finish_attempt(store::OutboundCall& call, AttemptOutcome outcome, std::int64_t now_ms);

// A call that cannot be dialled at all (its deployment is gone, its destination refused by the
// config): failed now, whatever attempts are left; `why` is the event and last_result.
void fail_call(store::OutboundCall& call, const std::string& why, std::int64_t now_ms);

// Seconds between the last answer and disconnect (0 when never answered).
std::int64_t talk_seconds(const store::OutboundCall& call);

}  // namespace keyline::outbound
