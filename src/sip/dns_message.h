// DNS answers as RFC 3263 needs them (pure, no sockets): the wire format of RFC 1035 read into
// NAPTR (RFC 3403), SRV (RFC 2782), A and AAAA records, with name compression followed (and
// bounded, so a pointer loop in a hostile answer is an error, not a hang). The bytes come from
// res_nquery (sip/dns_source.h) or, in tests, from canned answers built with
// build_dns_answer().
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace keyline::sip {

enum class DnsType : std::uint16_t { kA = 1, kAaaa = 28, kSrv = 33, kNaptr = 35 };

struct DnsRecord {
  DnsType type = DnsType::kA;
  std::string name;  // owner name, lower case, no trailing dot
  std::uint32_t ttl = 0;
  // A / AAAA: the address in text form ("192.0.2.1", "2001:db8::1").
  std::string address;
  // SRV
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  std::string target;  // also NAPTR's replacement
  // NAPTR
  std::uint16_t order = 0;
  std::uint16_t preference = 0;
  std::string flags;     // lower case
  std::string services;  // upper case as registered ("SIP+D2U")
  std::string regexp;
};

struct DnsAnswer {
  int rcode = 0;                   // 0 NOERROR, 3 NXDOMAIN, ...
  std::vector<DnsRecord> records;  // answer and additional sections, known types only
};

// Reads a DNS response. Records of other types (CNAME, OPT, ...) are skipped; a truncated or
// malformed message is an error.
Result<DnsAnswer> parse_dns_message(std::string_view bytes);

// A DNS response carrying `records` for the question (`qname`, `qtype`); for tests and
// tools. Names are written uncompressed except the record owner, which points back to the
// question when it is the same name (as real servers do).
std::string build_dns_answer(std::string_view qname, DnsType qtype,
                             const std::vector<DnsRecord>& records, int rcode = 0);

}  // namespace keyline::sip
