// US bank routing (ABA) numbers. Account numbers have no checksum, so they are
// recognised only by context (see context.h); routing numbers carry one.
#pragma once

#include <string_view>

namespace keyline::privacy {

// Nine digits whose weighted sum 3·d1 + 7·d2 + d3 + 3·d4 + … is a multiple
// of 10, with a first pair in a range the Federal Reserve assigns (00–12,
// 21–32, 61–72, 80).
bool aba_routing_valid(std::string_view digits);

}  // namespace keyline::privacy
