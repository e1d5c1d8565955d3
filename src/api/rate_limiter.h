// Per-key token buckets: `rate` requests per second on average, bursts of up
// to `burst`. take() answers how long to wait when the bucket is empty, which
// becomes 429 with Retry-After. Time is passed in, so tests need no sleeping.
#pragma once

#include <chrono>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace keyline::api {

class RateLimiter {
 public:
  RateLimiter(double rate_per_second, double burst) : rate_(rate_per_second), burst_(burst) {}

  // nullopt: allowed (one token taken). Otherwise the whole seconds until a
  // token will be there (at least 1).
  std::optional<int> take(const std::string& key, std::chrono::steady_clock::time_point now);
  // Like take(), but only looks: nullopt when a token is there.
  std::optional<int> peek(const std::string& key, std::chrono::steady_clock::time_point now);

 private:
  std::optional<int> take_or_peek(const std::string& key, std::chrono::steady_clock::time_point now,
                                  bool take);
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point last;
  };
  static constexpr std::size_t kMaxBuckets = 10000;
  double rate_;
  double burst_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace keyline::api
