// The system's DNS for sip/sip_resolver.h: res_nquery from glibc's libresolv (no package of
// its own), each ResolvDnsSource with its own resolver state (res_ninit), so one per thread
// is safe; and getaddrinfo for names DNS does not know (/etc/hosts, e.g. localhost).
// Blocking: run on a thread of its own (sip/async_resolver.h), never on a worker's loop.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sip/sip_resolver.h"

namespace keyline::sip {

class ResolvDnsSource final : public DnsSource {
 public:
  ResolvDnsSource();
  ~ResolvDnsSource() override;
  ResolvDnsSource(const ResolvDnsSource&) = delete;
  ResolvDnsSource& operator=(const ResolvDnsSource&) = delete;

  // NXDOMAIN and NODATA come back as an empty answer (cached as negative); a failure to get
  // any answer (no server, timeout, SERVFAIL) is an error.
  Result<std::string> query(const std::string& name, DnsType type) override;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The addresses getaddrinfo gives for `host` (numeric, IPv4 first), empty on failure.
std::vector<std::string> system_host_addresses(const std::string& host);

}  // namespace keyline::sip
