// Context words: a CVV, a PIN or an account number is just a short number
// until the text around it says what it is ("CVV: 123", "account no 4455").
#pragma once

#include <cstddef>
#include <string_view>

namespace keyline::privacy {

enum class ContextKind { kNone, kCvv, kExpiry, kRouting, kAccount, kSsn, kDob, kPin, kHealth };

// The kind named by the nearest context word before text[pos], looking back at
// most kContextWindow characters and never past an earlier number (so in
// "cvv 123 and 4567" the 4567 has no context). Case-insensitive.
inline constexpr std::size_t kContextWindow = 40;
ContextKind context_before(std::string_view text, std::size_t pos);

}  // namespace keyline::privacy
