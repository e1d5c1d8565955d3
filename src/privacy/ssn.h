// US Social Security numbers: AAA-GG-SSSS. The SSA never issues area 000, 666
// or 900–999, group 00 or serial 0000, so those are not SSNs (they are often
// test or placeholder values, and 9xx are ITINs).
#pragma once

#include <string_view>

namespace keyline::privacy {

// `digits` is exactly nine digits, separators removed.
bool ssn_valid(std::string_view digits);

}  // namespace keyline::privacy
