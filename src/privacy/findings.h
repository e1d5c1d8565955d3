// The recognisers run over a text and report what they found where; the
// redactor (redact.h) then decides how each finding is shown. Kept apart so
// tests can check what was recognised, not only the masked output.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "privacy/policy.h"

namespace keyline::privacy {

// In priority order: where two candidates overlap, the earlier kind wins
// (a 16-digit PAN after "account" is a PAN, not an account number).
enum class FindingKind {
  kDtmf,  // a digit in a SIP INFO dtmf-relay body
  kCvv,
  kPan,
  kExpiry,
  kSsn,
  kRouting,
  kDob,
  kHealth,
  kAccount,
  kPin,
  kKeep,        // an ISO date: left as it is, and shields its digits from kLongNumber
  kLongNumber,  // any other 7+ digits
};

std::string_view finding_kind_name(FindingKind kind);

struct Finding {
  std::size_t begin = 0;  // [begin, end) in the text
  std::size_t end = 0;
  FindingKind kind = FindingKind::kLongNumber;
};

// Non-overlapping findings, sorted by begin.
std::vector<Finding> find_sensitive(std::string_view text, const RedactionPolicy& policy);

}  // namespace keyline::privacy
