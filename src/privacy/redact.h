// The redaction path every log line, call-log entry and error message takes.
// It masks what looks sensitive even where nobody marked it private, with the
// recognisers of findings.h and the masking rules of a RedactionPolicy:
// card numbers keep at most the BIN and last four, CVVs and PINs become a
// placeholder, the other kinds keep their last two digits (or become a
// placeholder), and SDP key lines (a=crypto) lose their key material.
#pragma once

#include <string>
#include <string_view>

#include "privacy/policy.h"

namespace keyline::privacy {

inline constexpr std::string_view kPrivatePlaceholder = "[private]";

// Masks sensitive-looking substrings of free text under `policy`.
std::string redact(std::string_view text, const RedactionPolicy& policy);

// Masks a DTMF digit stream ("4111111111111111#", "*1234#"). There is no
// context in a digit stream, so every run of digits between non-digit keys is
// masked: a PAN as the policy says, 7+ digits like a long number, and
// anything shorter (it may be a PIN or a CVV) becomes [private].
std::string redact_digits(std::string_view digits, const RedactionPolicy& policy);

// redact() under the default policy (BIN + last four, last two, all on).
std::string redact_text(std::string_view text);

// Masks a caller id (phone number or SIP URI user part) for message logs:
// keeps the last 4 digits.
std::string mask_caller_id(std::string_view caller_id);

// True for a digit string passing the Luhn check (13–19 digits). Kept for
// callers that only need the checksum; is_pan() (card.h) also checks the IIN.
bool looks_like_pan(std::string_view digits);

}  // namespace keyline::privacy
