// Phone numbers for the SMS module, checked against the numbering plan with libphonenumber
// (the only file that includes it is phone_number.cc).
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"

namespace keyline::services {

// "+14155550123" (or "+1 415 555 0123") -> "+14155550123" when libphonenumber knows it as a
// valid number of its country; an error otherwise (the message names no digits).
Result<std::string> normalize_phone_number(std::string_view international);

}  // namespace keyline::services
