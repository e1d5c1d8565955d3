// What the redactor masks and how much of it stays visible. One policy per
// server, from the `privacy:` section of the config (docs/security.md).
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "privacy/health.h"

namespace keyline::privacy {

// How a card number is shown: BIN (first six) and last four — the most
// PCI DSS allows, and only for PANs of 15+ digits so at least five stay
// hidden — or the last four alone.
enum class PanMask { kBinLast4, kLast4 };

// How the other recognised values (expiry, routing and account numbers, SSN,
// date of birth, health identifiers, long numbers) are shown: their last two
// digits, or a fixed placeholder such as "[ssn]". CVVs and PINs always
// become a placeholder, whatever this says.
enum class OtherMask { kLast2, kPlaceholder };

// Which recognisers run. All are on by default.
struct Recognisers {
  bool cards = true;         // PANs (Luhn + IIN)
  bool cvv = true;           // 3–4 digits after "cvv", "security code" …
  bool expiry = true;        // MM/YY, MM/YYYY after "exp" …
  bool bank = true;          // routing (ABA checksum) and account numbers in context
  bool ssn = true;           // AAA-GG-SSSS, or 9 digits after "ssn"
  bool dob = true;           // dates after "date of birth", "dob" …
  bool pin = true;           // 4–12 digits after "pin", "passcode"
  bool health = true;        // NHS numbers and the operator's patterns
  bool long_numbers = true;  // any other run of 7+ digits
  bool dtmf_signals = true;  // "Signal=5" lines of SIP INFO dtmf-relay bodies
};

struct RedactionPolicy {
  PanMask pan_mask = PanMask::kBinLast4;
  OtherMask other_mask = OtherMask::kLast2;
  Recognisers recognisers;
  std::vector<HealthPattern> health_patterns;  // the operator's, beside the built-in NHS ones
};

std::optional<PanMask> parse_pan_mask(std::string_view name);  // bin_last4 | last4
std::string_view pan_mask_name(PanMask mask);
std::optional<OtherMask> parse_other_mask(std::string_view name);  // last2 | placeholder
std::string_view other_mask_name(OtherMask mask);

// The names used in config (`privacy.recognisers`), in a fixed order.
const std::vector<std::string_view>& recogniser_names();
// Sets one recogniser by name; false for an unknown name.
bool set_recogniser(Recognisers& r, std::string_view name, bool on);

}  // namespace keyline::privacy
