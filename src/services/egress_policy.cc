#include "services/egress_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "base/strings.h"

namespace keyline::services {
namespace {

// "[::1]" -> "::1" (URL hosts carry IPv6 literals in brackets).
std::string_view unbracket(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    return host.substr(1, host.size() - 2);
  return host;
}

// A literal address as a sockaddr, or false for a name.
bool literal_address(std::string_view host, sockaddr_storage& out) {
  const std::string h(unbracket(host));
  std::memset(&out, 0, sizeof out);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    return true;
  }
  return false;
}

bool valid_host_name(std::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

Result<AddressRange> AddressRange::parse(std::string_view text) {
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  AddressRange range;
  int max_prefix = 0;
  if (inet_pton(AF_INET, address.c_str(), range.bytes.data()) == 1) {
    range.family = AF_INET;
    max_prefix = 32;
  } else if (inet_pton(AF_INET6, address.c_str(), range.bytes.data()) == 1) {
    range.family = AF_INET6;
    max_prefix = 128;
  } else {
    return make_error("egress", "'" + std::string(text) + "' is not an address or CIDR");
  }
  range.prefix = max_prefix;
  if (slash != std::string_view::npos) {
    auto prefix = parse_int<int>(text.substr(slash + 1));
    if (!prefix || *prefix < 0 || *prefix > max_prefix)
      return make_error("egress", "'" + std::string(text) + "': the prefix length must be 0-" +
                                      std::to_string(max_prefix));
    range.prefix = *prefix;
  }
  return range;
}

bool AddressRange::contains(const sockaddr* address) const {
  const std::uint8_t* candidate = nullptr;
  std::uint8_t mapped[4];
  if (address->sa_family == AF_INET && family == AF_INET) {
    candidate = reinterpret_cast<const std::uint8_t*>(
        &reinterpret_cast<const sockaddr_in*>(address)->sin_addr);
  } else if (address->sa_family == AF_INET6) {
    const auto* a6 = &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr;
    if (family == AF_INET6) {
      candidate = reinterpret_cast<const std::uint8_t*>(a6);
    } else if (IN6_IS_ADDR_V4MAPPED(a6)) {
      // ::ffff:10.0.0.1 is 10.0.0.1: a mapped address must not slip past an IPv4 range check.
      std::memcpy(mapped, reinterpret_cast<const std::uint8_t*>(a6) + 12, 4);
      candidate = mapped;
    }
  }
  if (!candidate) return false;
  int bits = prefix;
  for (int i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((candidate[i] & mask) != (bytes[i] & mask)) return false;
  }
  return true;
}

Result<EgressPolicy> EgressPolicy::parse(const std::vector<std::string>& allow, bool https_only) {
  EgressPolicy policy;
  policy.https_only_ = https_only;
  for (const auto& raw : allow) {
    const std::string entry = to_lower(trim(raw));
    if (entry == "*") {
      policy.any_host_ = true;
    } else if (entry.find('/') != std::string::npos || entry.find(':') != std::string::npos) {
      auto range = AddressRange::parse(entry);
      if (!range) return range.error();
      policy.ranges_.push_back(*range);
    } else if (sockaddr_storage s; literal_address(entry, s)) {
      auto range = AddressRange::parse(entry);
      if (!range) return range.error();
      policy.ranges_.push_back(*range);
    } else if (entry.rfind("*.", 0) == 0 && valid_host_name(entry.substr(2))) {
      policy.suffixes_.push_back(entry.substr(1));
    } else if (valid_host_name(entry)) {
      policy.exact_.push_back(entry);
    } else {
      return make_error("egress",
                        "'" + raw + "' is not a host name, *.domain, * or an address range");
    }
  }
  return policy;
}

bool EgressPolicy::allows_host(std::string_view host) const {
  if (any_host_) return true;
  sockaddr_storage address;
  if (literal_address(host, address)) {
    for (const auto& r : ranges_) {
      if (r.contains(reinterpret_cast<const sockaddr*>(&address))) return true;
    }
    return false;
  }
  const std::string name = to_lower(host);
  if (std::find(exact_.begin(), exact_.end(), name) != exact_.end()) return true;
  for (const auto& suffix : suffixes_) {
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      return true;
  }
  return false;
}

bool EgressPolicy::allows_connection(std::string_view host, const sockaddr* address) const {
  if (allows_host(host)) return true;
  for (const auto& r : ranges_) {
    if (r.contains(address)) return true;
  }
  return false;
}

bool EgressPolicy::may_allow(std::string_view host) const {
  if (allows_host(host)) return true;
  sockaddr_storage address;
  if (literal_address(host, address)) return false;  // its one address was checked above
  return !ranges_.empty();
}

}  // namespace keyline::services
