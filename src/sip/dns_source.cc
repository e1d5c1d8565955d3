#include "sip/dns_source.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

namespace keyline::sip {

struct ResolvDnsSource::State {
  struct __res_state res;
  bool ready = false;
};

ResolvDnsSource::ResolvDnsSource() : state_(std::make_unique<State>()) {
  std::memset(&state_->res, 0, sizeof state_->res);
  state_->ready = res_ninit(&state_->res) == 0;
  if (state_->ready) {
    // A worker waits for the answer on another thread, but a SIP target should not take
    // long to find: 2 s per try, 2 tries (glibc's defaults are 5 s and 2).
    state_->res.retrans = 2;
    state_->res.retry = 2;
  }
}

ResolvDnsSource::~ResolvDnsSource() {
  if (state_->ready) res_nclose(&state_->res);
}

Result<std::string> ResolvDnsSource::query(const std::string& name, DnsType type) {
  if (!state_->ready) return make_error("dns", "resolver not initialised (res_ninit failed)");
  unsigned char buf[8192];
  const int n =
      res_nquery(&state_->res, name.c_str(), ns_c_in, static_cast<int>(type), buf, sizeof buf);
  if (n < 0) {
    // res_nquery reports NXDOMAIN and NODATA as failures; they are answers for us.
    const int err = state_->res.res_h_errno;
    if (err == HOST_NOT_FOUND || err == NO_DATA) return build_dns_answer(name, type, {}, 3);
    return make_error("dns", "no answer for " + name);
  }
  return std::string(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
}

std::vector<std::string> system_host_addresses(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* list = nullptr;
  std::vector<std::string> v4, v6;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &list) != 0) return {};
  for (addrinfo* ai = list; ai; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    if (ai->ai_family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(ai->ai_addr);
      if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof text)) v4.emplace_back(text);
    } else if (ai->ai_family == AF_INET6) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(ai->ai_addr);
      if (inet_ntop(AF_INET6, &sin6->sin6_addr, text, sizeof text)) v6.emplace_back(text);
    }
  }
  freeaddrinfo(list);
  for (auto& a : v6)
    if (std::find(v4.begin(), v4.end(), a) == v4.end()) v4.push_back(a);
  v4.erase(std::unique(v4.begin(), v4.end()), v4.end());
  return v4;
}

}  // namespace keyline::sip
