// A transport address (IPv4 or IPv6 + port), the only socket-address type
// the layers above io see.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace keyline::io {

class Endpoint {
 public:
  Endpoint() = default;
  static Result<Endpoint> parse(std::string_view host, std::uint16_t port);  // numeric hosts only
  static Endpoint from_sockaddr(const sockaddr* sa, socklen_t len);

  const sockaddr* sockaddr_ptr() const { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t sockaddr_len() const { return len_; }
  int family() const { return storage_.ss_family; }
  std::string host() const;  // numeric, IPv6 without brackets
  std::uint16_t port() const;
  std::string to_string() const;  // "1.2.3.4:5060" or "[::1]:5060"
  bool valid() const { return len_ != 0; }

  bool operator==(const Endpoint& other) const;

 private:
  sockaddr_storage storage_{};
  socklen_t len_ = 0;
};

}  // namespace keyline::io
