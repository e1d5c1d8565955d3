// RFC 3263 4 ("Locating a SIP server"): from a sip:/sips: URI to the ordered list of
// (transport, address, port) to try. NAPTR → SRV → A/AAAA, with SRV priority and weight
// (RFC 2782), and a small cache that keeps each answer for its TTL. Pure apart from its
// DnsSource (res_nquery in production, sip/dns_source.h; canned answers in tests), its clock
// and its random numbers, all injected. Not thread-safe: one resolver per thread (the
// asynchronous wrapper in sip/async_resolver.h runs it on its own thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "io/endpoint.h"
#include "sip/dns_message.h"
#include "sip/peer.h"
#include "sip/uri.h"

namespace keyline::sip {

class DnsSource {
 public:
  virtual ~DnsSource() = default;
  // The raw DNS response for (name, type), or an error when none came (timeout, no server).
  virtual Result<std::string> query(const std::string& name, DnsType type) = 0;
};

// One place to send a request to.
struct SipTarget {
  TransportKind kind = TransportKind::kUdp;
  io::Endpoint endpoint;
};

// A usable NAPTR for SIP: its transport and the SRV name it points to.
struct NaptrChoice {
  TransportKind kind = TransportKind::kUdp;
  std::string srv_name;
};

// NAPTR records with a SIP service we speak (SIP+D2U, SIP+D2T, SIPS+D2T; only SIPS+D2T for
// a sips: URI) and the "s" flag, by order then preference (RFC 3403 4.1, RFC 3263 4.1).
std::vector<NaptrChoice> select_naptr(const std::vector<DnsRecord>& records, bool sips);

// SRV records in the order to try them (RFC 2782): by priority; within one priority a
// weighted random pick each time (`random` gives uniformly distributed numbers). A single
// record whose target is "." (the service is not offered) yields nothing.
std::vector<DnsRecord> order_srv(std::vector<DnsRecord> records,
                                 const std::function<std::uint32_t()>& random);

class SipResolver {
 public:
  // Addresses for a host name that DNS did not give (e.g. /etc/hosts names), also used when
  // no DNS server answers; may be unset.
  using HostFallback = std::function<std::vector<std::string>(const std::string& host)>;

  SipResolver(DnsSource& source, std::function<Millis()> now, std::function<std::uint32_t()> random,
              HostFallback fallback = {});

  void set_fallback(HostFallback fallback) { fallback_ = std::move(fallback); }

  // The targets for `uri`, best first (at most kMaxTargets). Empty: nothing resolved.
  std::vector<SipTarget> resolve(const Uri& uri);

  static constexpr std::size_t kMaxTargets = 16;
  static constexpr std::size_t kMaxCacheEntries = 256;
  // Answers without records (NXDOMAIN, NODATA) are kept this long (RFC 2308 style, capped).
  static constexpr std::uint32_t kNegativeTtlS = 30;

  std::size_t cache_size() const { return cache_.size(); }
  std::size_t queries() const { return queries_; }

 private:
  struct CacheEntry {
    Millis expires{0};
    std::vector<DnsRecord> records;
  };
  // Records of `type` owned by `name`; the additional section's records go to the cache too.
  std::vector<DnsRecord> lookup(const std::string& name, DnsType type);
  std::vector<std::string> addresses(const std::string& host);
  void add_host(std::vector<SipTarget>& out, TransportKind kind, const std::string& host,
                std::uint16_t port);
  void add_srv(std::vector<SipTarget>& out, TransportKind kind, const std::string& srv_name);

  // Set when a query got no answer at all (no server, timeout) during one resolve(): the
  // rest of that look-up skips DNS (a dead server would cost seconds per query) and goes to
  // the host fallback.
  bool dns_down_ = false;
  DnsSource& source_;
  std::function<Millis()> now_;
  std::function<std::uint32_t()> random_;
  HostFallback fallback_;
  std::map<std::pair<std::string, DnsType>, CacheEntry> cache_;
  std::size_t queries_ = 0;
};

}  // namespace keyline::sip
