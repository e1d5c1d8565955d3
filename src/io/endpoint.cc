#include "io/endpoint.h"

#include <arpa/inet.h>

#include <cstring>

namespace keyline::io {

Result<Endpoint> Endpoint::parse(std::string_view host, std::uint16_t port) {
  Endpoint ep;
  std::string h(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ep.storage_);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    ep.len_ = sizeof(sockaddr_in);
    return ep;
  }
  ep.storage_ = {};
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ep.storage_);
  if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    ep.len_ = sizeof(sockaddr_in6);
    return ep;
  }
  return make_error("io", "not a numeric IP address: " + h);
}

Endpoint Endpoint::from_sockaddr(const sockaddr* sa, socklen_t len) {
  Endpoint ep;
  if (len > sizeof(ep.storage_)) len = sizeof(ep.storage_);
  std::memcpy(&ep.storage_, sa, len);
  ep.len_ = len;
  return ep;
}

std::string Endpoint::host() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (family() == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, buf, sizeof buf);
  } else if (family() == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, buf,
              sizeof buf);
  }
  return buf;
}

std::uint16_t Endpoint::port() const {
  if (family() == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (family() == AF_INET6)
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

std::string Endpoint::to_string() const {
  if (family() == AF_INET6) return "[" + host() + "]:" + std::to_string(port());
  return host() + ":" + std::to_string(port());
}

bool Endpoint::operator==(const Endpoint& other) const {
  return family() == other.family() && host() == other.host() && port() == other.port();
}

}  // namespace keyline::io
