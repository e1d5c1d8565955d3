// The tables besides call logs that have a retention (issue 9): the audit
// log, finished outbound calls and post-call requests never delivered. Behind
// one small interface so the retention job (retention.h) needs nothing else
// from the backend; SQLite and PostgreSQL each implement it with plain deletes.
#pragma once

#include <cstdint>

#include "base/result.h"

namespace keyline::store {

class RetentionTargets {
 public:
  virtual ~RetentionTargets() = default;
  // Audit entries written before the cutoff; returns how many were deleted.
  virtual Result<std::int64_t> purge_audit_before(std::int64_t cutoff_unix_ms) = 0;
  // Outbound calls in a final state (completed, failed, canceled) whose last
  // activity (queued, last attempt due, hang-up: the latest) is before the
  // cutoff. Queued and live calls stay whatever their age.
  virtual Result<std::int64_t> purge_outbound_before(std::int64_t cutoff_unix_ms) = 0;
  // Post-call requests queued before the cutoff and still undelivered: given
  // up. Rows that upload a file (a recording) are left to the recordings' own
  // retention, which also removes the file.
  virtual Result<std::int64_t> purge_post_call_before(std::int64_t cutoff_unix_ms) = 0;
};

}  // namespace keyline::store
