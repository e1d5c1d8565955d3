#include "api/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace keyline::api {

std::optional<int> RateLimiter::take(const std::string& key,
                                     std::chrono::steady_clock::time_point now) {
  return take_or_peek(key, now, true);
}

std::optional<int> RateLimiter::peek(const std::string& key,
                                     std::chrono::steady_clock::time_point now) {
  return take_or_peek(key, now, false);
}

std::optional<int> RateLimiter::take_or_peek(const std::string& key,
                                             std::chrono::steady_clock::time_point now, bool take) {
  std::lock_guard lock(mutex_);
  // Buckets keyed by client address could grow without bound; a bucket idle
  // long enough to be full again holds no state worth keeping.
  if (buckets_.size() >= kMaxBuckets && rate_ > 0) {
    auto full_after = std::chrono::duration<double>(burst_ / rate_);
    std::erase_if(buckets_,
                  [&](const auto& entry) { return now - entry.second.last >= full_after; });
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!fresh && now > b.last) {
    double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
  }
  b.last = std::max(b.last, now);
  if (b.tokens >= 1.0) {
    if (take) b.tokens -= 1.0;
    return std::nullopt;
  }
  double wait = rate_ > 0 ? (1.0 - b.tokens) / rate_ : 3600.0;
  return std::max(1, static_cast<int>(std::ceil(wait)));
}

}  // namespace keyline::api
