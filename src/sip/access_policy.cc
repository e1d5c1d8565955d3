#include "sip/access_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "base/strings.h"

namespace keyline::sip {
namespace {

// The address bytes of an endpoint, with IPv4-mapped IPv6 seen as IPv4.
int address_bytes(const io::Endpoint& ep, std::array<std::uint8_t, 16>& out) {
  const sockaddr* sa = ep.sockaddr_ptr();
  if (sa->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(out.data(), &in->sin_addr, 4);
    return AF_INET;
  }
  if (sa->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    const auto* b = in6->sin6_addr.s6_addr;
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(b, b + 12, kMapped)) {
      std::memcpy(out.data(), b + 12, 4);
      return AF_INET;
    }
    std::memcpy(out.data(), b, 16);
    return AF_INET6;
  }
  return 0;
}

}  // namespace

std::optional<Cidr> Cidr::parse(std::string_view text) {
  text = trim(text);
  Cidr c;
  std::string addr(text.substr(0, text.find('/')));
  int max_prefix;
  if (inet_pton(AF_INET, addr.c_str(), c.bytes_.data()) == 1) {
    c.family_ = AF_INET;
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, addr.c_str(), c.bytes_.data()) == 1) {
    c.family_ = AF_INET6;
    max_prefix = 128;
  } else {
    return std::nullopt;
  }
  c.prefix_ = max_prefix;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    auto prefix = parse_int<int>(text.substr(slash + 1));
    if (!prefix || *prefix < 0 || *prefix > max_prefix) return std::nullopt;
    c.prefix_ = *prefix;
  }
  return c;
}

bool Cidr::contains(const io::Endpoint& address) const {
  std::array<std::uint8_t, 16> bytes{};
  if (address_bytes(address, bytes) != family_) return false;
  int full = prefix_ / 8, rest = prefix_ % 8;
  if (!std::equal(bytes.begin(), bytes.begin() + full, bytes_.begin())) return false;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (bytes[full] & mask) == (bytes_[full] & mask);
}

std::string Cidr::to_string() const {
  char text[INET6_ADDRSTRLEN] = {};
  inet_ntop(family_, bytes_.data(), text, sizeof text);
  return std::string(text) + "/" + std::to_string(prefix_);
}

std::string_view access_decision_name(AccessDecision d) {
  switch (d) {
    case AccessDecision::kAllow:
      return "allow";
    case AccessDecision::kDeny:
      return "not on the allow-list";
    case AccessDecision::kRateLimited:
      return "rate limited";
    case AccessDecision::kBanned:
      return "banned";
  }
  return "?";
}

AccessPolicy::AccessPolicy(AccessPolicyConfig config, const Clock& clock)
    : config_(std::move(config)), clock_(clock) {
  if (config_.rate_per_second > 0) config_.burst = std::max(config_.burst, 1.0);
}

bool AccessPolicy::allowed_address(const io::Endpoint& source) const {
  if (config_.allow.empty()) return true;
  return std::any_of(config_.allow.begin(), config_.allow.end(),
                     [&](const Cidr& c) { return c.contains(source); });
}

AccessPolicy::Source& AccessPolicy::source(const std::string& host) {
  auto it = sources_.find(host);
  if (it != sources_.end()) return it->second;
  if (sources_.size() >= config_.max_tracked_sources) prune();
  Source& s = sources_[host];
  s.tokens = config_.burst;
  s.refilled = clock_.now();
  return s;
}

void AccessPolicy::prune() {
  // Forget sources that are neither banned nor recently active; if that is
  // not enough (a spoofed flood), forget the idle half regardless.
  SteadyTime now = clock_.now();
  for (auto it = sources_.begin(); it != sources_.end();) {
    bool banned = it->second.banned_until > now;
    bool recent = now - it->second.last_seen < config_.failure_window;
    it = (!banned && !recent) ? sources_.erase(it) : std::next(it);
  }
  if (sources_.size() >= config_.max_tracked_sources) {
    std::size_t drop = sources_.size() / 2;
    for (auto it = sources_.begin(); it != sources_.end() && drop > 0;) {
      if (it->second.banned_until <= now) {
        it = sources_.erase(it);
        --drop;
      } else {
        ++it;
      }
    }
  }
}

AccessDecision AccessPolicy::check(const io::Endpoint& endpoint) {
  if (!allowed_address(endpoint)) return AccessDecision::kDeny;
  bool tracking = config_.rate_per_second > 0 || config_.ban_after_failures > 0;
  if (!tracking) return AccessDecision::kAllow;
  SteadyTime now = clock_.now();
  Source& s = source(endpoint.host());
  s.last_seen = now;
  if (s.banned_until > now) return AccessDecision::kBanned;
  if (config_.rate_per_second > 0) {
    double elapsed = std::chrono::duration<double>(now - s.refilled).count();
    s.tokens = std::min(config_.burst, s.tokens + elapsed * config_.rate_per_second);
    s.refilled = now;
    if (s.tokens < 1.0) return AccessDecision::kRateLimited;
    s.tokens -= 1.0;
  }
  return AccessDecision::kAllow;
}

void AccessPolicy::auth_failed(const io::Endpoint& endpoint) {
  if (config_.ban_after_failures <= 0) return;
  SteadyTime now = clock_.now();
  Source& s = source(endpoint.host());
  s.last_seen = now;
  if (s.failures == 0 || now - s.first_failure > config_.failure_window) {
    s.failures = 0;
    s.first_failure = now;
  }
  if (++s.failures >= config_.ban_after_failures) {
    s.banned_until = now + config_.ban_for;
    s.failures = 0;
  }
}

void AccessPolicy::auth_succeeded(const io::Endpoint& endpoint) {
  auto it = sources_.find(endpoint.host());
  if (it != sources_.end()) it->second.failures = 0;
}

}  // namespace keyline::sip
