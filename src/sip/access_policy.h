// Who may talk SIP to us, and how much: checked per message from the source
// address alone, before parsing or any call state (RFC 3261 gives no help
// here; this is operational defence). A CIDR allow-list, a token bucket per
// source IP, a ban after repeated authentication failures, and a cap on
// concurrent calls answered 503 with Retry-After (RFC 3261 21.5.4).
// Pure: time comes from an injected Clock.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "io/endpoint.h"

namespace keyline::sip {

// An IPv4 or IPv6 prefix; a bare address is a /32 or /128.
class Cidr {
 public:
  static std::optional<Cidr> parse(std::string_view text);
  bool contains(const io::Endpoint& address) const;
  std::string to_string() const;
  int prefix() const { return prefix_; }  // bits; the longest match wins between trunks

 private:
  int family_ = 0;
  std::array<std::uint8_t, 16> bytes_{};
  int prefix_ = 0;
};

struct AccessPolicyConfig {
  std::vector<Cidr> allow;     // empty: every source
  bool deny_with_403 = false;  // false: messages from other sources are dropped silently
  double rate_per_second = 0;  // messages per source per second; 0: no limit
  double burst = 0;            // bucket size (at least 1 when rate is set)
  int ban_after_failures = 0;  // 0: never ban
  Millis failure_window{60000};
  Millis ban_for{600000};
  int max_calls = 0;  // 0: no limit
  int retry_after_s = 5;
  std::size_t max_tracked_sources = 100000;
};

enum class AccessDecision { kAllow, kDeny, kRateLimited, kBanned };
std::string_view access_decision_name(AccessDecision d);

class AccessPolicy {
 public:
  AccessPolicy(AccessPolicyConfig config, const Clock& clock);

  // Every received message, before parsing.
  AccessDecision check(const io::Endpoint& source);
  bool allowed_address(const io::Endpoint& source) const;
  // Authentication outcomes for the ban.
  void auth_failed(const io::Endpoint& source);
  void auth_succeeded(const io::Endpoint& source);
  bool calls_full(std::size_t active_calls) const {
    return config_.max_calls > 0 && active_calls >= static_cast<std::size_t>(config_.max_calls);
  }
  const AccessPolicyConfig& config() const { return config_; }
  std::size_t tracked_sources() const { return sources_.size(); }

 private:
  struct Source {
    double tokens = 0;
    SteadyTime refilled{};
    int failures = 0;
    SteadyTime first_failure{};
    SteadyTime banned_until{};
    SteadyTime last_seen{};
  };
  Source& source(const std::string& host);
  void prune();

  AccessPolicyConfig config_;
  const Clock& clock_;
  std::unordered_map<std::string, Source> sources_;
};

}  // namespace keyline::sip
