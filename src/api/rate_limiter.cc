#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace keyline::api {

std::optional<int> RateLimiter::take(const std::string& key,
                                     std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh && now > b.last) {
    double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  }
  b.last = std::max(b.last, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return std::nullopt;
  }
  double wait = rate_ > 0 ? (1.0 - b.tokens) / rate_ : 3600.0;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

}  // namespace keyline::api
