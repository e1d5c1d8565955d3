// The redaction path every log line, call-log entry and error message takes.
// It masks what looks sensitive even where nobody marked it private:
// card numbers keep at most the BIN (first 6) and last 4 digits, any other
// run of 7 or more digits (account numbers, SSNs, phone numbers) keeps only
// its last 2, and SDP key lines (a=crypto) lose their key material.
#pragma once

#include <string>
#include <string_view>

namespace keyline::privacy {

inline constexpr std::string_view kPrivatePlaceholder = "[private]";

// Masks sensitive-looking substrings of free text.
std::string redact_text(std::string_view text);

// Masks a caller id (phone number or SIP URI user part) for message logs:
// keeps the last 4 digits.
std::string mask_caller_id(std::string_view caller_id);

// True for a digit string passing the Luhn check (13–19 digits): a PAN.
bool looks_like_pan(std::string_view digits);

}  // namespace keyline::privacy
