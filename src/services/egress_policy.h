// EgressPolicy: which web services a call flow may reach. Host names (exact, or "*.suffix" for
// any name under a domain, or "*" for every host) and address ranges (CIDRs, IPv4 and IPv6).
// A request is allowed when its host name is on the list, or when the address it connects to
// is inside an allowed range — checked again at connect time, so a name that resolves to a
// denied address is refused before any socket exists. `https_only` refuses plain http (secure
// apps, and any request that carries a private value, ask for it per request as well).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::services {

struct AddressRange {
  int family = AF_INET;                  // AF_INET or AF_INET6
  std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4
  int prefix = 0;

  // "10.0.0.0/8", "::1/128", "192.0.2.7" (a single address).
  static Result<AddressRange> parse(std::string_view text);
  bool contains(const sockaddr* address) const;
};

class EgressPolicy {
 public:
  // Entries: host names ("api.example.com", "*.example.com", "*") and CIDRs. Errors name the
  // bad entry.
  static Result<EgressPolicy> parse(const std::vector<std::string>& allow, bool https_only);

  EgressPolicy() = default;  // allows nothing: no insecure default

  bool https_only() const { return https_only_; }
  bool allows_any_host() const { return any_host_; }
  // The name check alone (case-insensitive). An IP-literal host is checked against the ranges.
  bool allows_host(std::string_view host) const;
  // The connect-time check: the host's name is allowed, or the address is in a range.
  bool allows_connection(std::string_view host, const sockaddr* address) const;
  // Whether a request to `host` can possibly be allowed before it is resolved: its name is
  // listed, or some address range might hold what it resolves to.
  bool may_allow(std::string_view host) const;

 private:
  bool any_host_ = false;
  bool https_only_ = true;
  std::vector<std::string> exact_;     // lower case
  std::vector<std::string> suffixes_;  // ".example.com", lower case
  std::vector<AddressRange> ranges_;
};

}  // namespace keyline::services
