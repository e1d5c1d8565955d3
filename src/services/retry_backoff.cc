#include "services/retry_backoff.h"

#include <algorithm>
#include <cmath>

namespace keyline::services {

std::chrono::milliseconds retry_delay(const BackoffSettings& settings, int failures,
                                      double random01) {
  const double cap = static_cast<double>(std::max<long long>(settings.max.count(), 1));
  double wait = static_cast<double>(std::max<long long>(settings.initial.count(), 1));
  // Multiplying step by step (rather than pow) stops at the cap, so a huge failure count can
  // neither overflow nor loop long.
  for (int i = 1; i < failures && wait < cap; ++i) wait *= std::max(settings.multiplier, 1.0);
  wait = std::min(wait, cap);
  const double jitter = std::clamp(settings.jitter, 0.0, 1.0);
  const double r = std::clamp(random01, 0.0, 1.0);
  wait = wait * (1.0 - jitter) + wait * jitter * r;
  return std::chrono::milliseconds(std::max<long long>(std::llround(wait), 1));
}

}  // namespace keyline::services
