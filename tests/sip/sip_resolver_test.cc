// RFC 3263 on canned DNS answers (no network): the wire-format reader (names, compression,
// NAPTR/SRV/A/AAAA, truncation, pointer loops), NAPTR choice, SRV priority and weight, the
// whole NAPTR → SRV → A/AAAA procedure with its fallbacks, and the TTL cache.
#include <gtest/gtest.h>

#include <map>

#include "sip/dns_message.h"
#include "sip/sip_resolver.h"

namespace keyline::sip::testing {
namespace {

DnsRecord a(const std::string& name, const std::string& address, std::uint32_t ttl = 300) {
  DnsRecord r;
  r.type = address.find(':') == std::string::npos ? DnsType::kA : DnsType::kAaaa;
  r.name = name;
  r.address = address;
  r.ttl = ttl;
  return r;
}
DnsRecord srv(const std::string& name, std::uint16_t priority, std::uint16_t weight,
              std::uint16_t port, const std::string& target, std::uint32_t ttl = 300) {
  DnsRecord r;
  r.type = DnsType::kSrv;
  r.name = name;
  r.priority = priority;
  r.weight = weight;
  r.port = port;
  r.target = target;
  r.ttl = ttl;
  return r;
}
DnsRecord naptr(const std::string& name, std::uint16_t order, std::uint16_t pref,
                const std::string& flags, const std::string& service, const std::string& target) {
  DnsRecord r;
  r.type = DnsType::kNaptr;
  r.name = name;
  r.order = order;
  r.preference = pref;
  r.flags = flags;
  r.services = service;
  r.target = target;
  r.ttl = 300;
  return r;
}

// Answers by (name, type); anything else is NXDOMAIN. Counts the queries.
class CannedDns final : public DnsSource {
 public:
  void add(const std::string& name, DnsType type, std::vector<DnsRecord> records) {
    answers_[{name, type}] = build_dns_answer(name, type, records);
  }
  Result<std::string> query(const std::string& name, DnsType type) override {
    ++count;
    asked.push_back(name);
    auto it = answers_.find({name, type});
    if (it != answers_.end()) return it->second;
    return build_dns_answer(name, type, {}, 3);
  }
  int count = 0;
  std::vector<std::string> asked;

 private:
  std::map<std::pair<std::string, DnsType>, std::string> answers_;
};

std::vector<std::string> describe(const std::vector<SipTarget>& targets) {
  std::vector<std::string> out;
  for (auto& t : targets) {
    std::string kind = t.kind == TransportKind::kUdp   ? "udp"
                       : t.kind == TransportKind::kTcp ? "tcp"
                                                       : "tls";
    out.push_back(kind + " " + t.endpoint.to_string());
  }
  return out;
}

Uri uri(const std::string& text) { return parse_uri(text).value(); }

TEST(DnsMessage, ReadsEveryRecordTypeBack) {
  std::string bytes =
      build_dns_answer("_sip._udp.example.com", DnsType::kSrv,
                       {srv("_sip._udp.example.com", 10, 60, 5070, "sip1.example.com", 120),
                        a("sip1.example.com", "192.0.2.11"), a("sip1.example.com", "2001:db8::11"),
                        naptr("example.com", 10, 50, "S", "sip+d2u", "_sip._udp.example.com")});
  auto parsed = parse_dns_message(bytes);
  ASSERT_TRUE(parsed) << parsed.error().message;
  ASSERT_EQ(parsed->records.size(), 4u);
  const auto& s = parsed->records[0];
  EXPECT_EQ(s.type, DnsType::kSrv);
  EXPECT_EQ(s.name, "_sip._udp.example.com");  // through the compression pointer
  EXPECT_EQ(s.ttl, 120u);
  EXPECT_EQ(s.priority, 10);
  EXPECT_EQ(s.weight, 60);
  EXPECT_EQ(s.port, 5070);
  EXPECT_EQ(s.target, "sip1.example.com");
  EXPECT_EQ(parsed->records[1].address, "192.0.2.11");
  EXPECT_EQ(parsed->records[2].type, DnsType::kAaaa);
  EXPECT_EQ(parsed->records[2].address, "2001:db8::11");
  const auto& n = parsed->records[3];
  EXPECT_EQ(n.flags, "s");           // lower-cased
  EXPECT_EQ(n.services, "SIP+D2U");  // upper-cased
  EXPECT_EQ(n.target, "_sip._udp.example.com");
}

TEST(DnsMessage, TruncatedOrHostileMessagesAreErrorsNotCrashes) {
  std::string bytes =
      build_dns_answer("example.com", DnsType::kNaptr,
                       {naptr("example.com", 10, 50, "s", "SIP+D2T", "_sip._tcp.example.com")});
  ASSERT_TRUE(parse_dns_message(bytes));
  for (std::size_t n = 0; n < bytes.size(); ++n)
    EXPECT_FALSE(parse_dns_message(bytes.substr(0, n))) << "prefix of " << n << " bytes";
  // A name that points at itself.
  std::string loop = bytes.substr(0, 12);
  loop[5] = 1;  // one question
  loop[7] = 0;
  loop += std::string("\xC0\x0C", 2) + std::string("\x00\x01\x00\x01", 4);
  EXPECT_FALSE(parse_dns_message(loop));
  // A query, not a response.
  std::string query = bytes;
  query[2] = 0;
  EXPECT_FALSE(parse_dns_message(query));
}

TEST(DnsSelection, NaptrByOrderThenPreferenceAndOnlyOurServices) {
  std::vector<DnsRecord> records{
      naptr("x", 20, 10, "s", "SIP+D2U", "_sip._udp.x"),
      naptr("x", 10, 20, "s", "SIP+D2T", "_sip._tcp.x"),
      naptr("x", 10, 10, "s", "SIPS+D2T", "_sips._tcp.x"),
      naptr("x", 5, 10, "s", "SIP+D2S", "_sip._sctp.x"),  // SCTP: not ours
      naptr("x", 5, 10, "u", "E2U+sip", ""),              // ENUM-style: not ours
  };
  auto chosen = select_naptr(records, false);
  ASSERT_EQ(chosen.size(), 3u);
  EXPECT_EQ(chosen[0].srv_name, "_sips._tcp.x");
  EXPECT_EQ(chosen[0].kind, TransportKind::kTls);
  EXPECT_EQ(chosen[1].srv_name, "_sip._tcp.x");
  EXPECT_EQ(chosen[2].srv_name, "_sip._udp.x");
  auto secure = select_naptr(records, true);
  ASSERT_EQ(secure.size(), 1u);
  EXPECT_EQ(secure[0].kind, TransportKind::kTls);
}

TEST(DnsSelection, SrvByPriorityThenWeight) {
  std::vector<DnsRecord> records{srv("s", 20, 0, 5060, "c"), srv("s", 10, 60, 5060, "a"),
                                 srv("s", 10, 40, 5060, "b")};
  auto targets = [](const std::vector<DnsRecord>& rs) {
    std::string out;
    for (auto& r : rs) out += r.target;
    return out;
  };
  // Total weight 100: a number up to 60 picks a, above it b.
  EXPECT_EQ(targets(order_srv(records, [] { return 70u; })), "bac");
  EXPECT_EQ(targets(order_srv(records, [] { return 10u; })), "abc");
  // Over many draws the split follows the weights (a first about 60% of the time).
  std::uint32_t state = 12345;
  auto lcg = [&state] {
    state = state * 1103515245u + 12345u;
    return state >> 8;
  };
  int a_first = 0;
  for (int i = 0; i < 2000; ++i)
    if (order_srv(records, lcg)[0].target == "a") ++a_first;
  EXPECT_GT(a_first, 1000);
  EXPECT_LT(a_first, 1400);
  // "." alone: the service is not offered there.
  EXPECT_TRUE(order_srv({srv("s", 0, 0, 0, "")}, [] { return 0u; }).empty());
}

class ResolverTest : public ::testing::Test {
 protected:
  CannedDns dns;
  Millis now{0};
  SipResolver resolver{dns, [this] { return now; }, [] { return 0u; }};
};

TEST_F(ResolverTest, NaptrThenSrvThenAddresses) {
  dns.add("example.com", DnsType::kNaptr,
          {naptr("example.com", 20, 10, "s", "SIP+D2U", "_sip._udp.example.com"),
           naptr("example.com", 10, 10, "s", "SIP+D2T", "_sip._tcp.example.com")});
  dns.add("_sip._tcp.example.com", DnsType::kSrv,
          {srv("_sip._tcp.example.com", 20, 0, 5080, "b.example.com"),
           srv("_sip._tcp.example.com", 10, 0, 5070, "a.example.com")});
  dns.add("_sip._udp.example.com", DnsType::kSrv,
          {srv("_sip._udp.example.com", 10, 0, 5060, "a.example.com")});
  dns.add("a.example.com", DnsType::kA, {a("a.example.com", "192.0.2.1")});
  dns.add("a.example.com", DnsType::kAaaa, {a("a.example.com", "2001:db8::1")});
  dns.add("b.example.com", DnsType::kA, {a("b.example.com", "192.0.2.2")});
  EXPECT_EQ(describe(resolver.resolve(uri("sip:100@Example.COM"))),
            (std::vector<std::string>{"tcp 192.0.2.1:5070", "tcp [2001:db8::1]:5070",
                                      "tcp 192.0.2.2:5080", "udp 192.0.2.1:5060",
                                      "udp [2001:db8::1]:5060"}));
}

TEST_F(ResolverTest, WithoutNaptrSrvPerTransportThenPlainAddresses) {
  dns.add("_sip._tcp.srv.test", DnsType::kSrv, {srv("_sip._tcp.srv.test", 1, 0, 5099, "h.test")});
  dns.add("h.test", DnsType::kA, {a("h.test", "192.0.2.3")});
  EXPECT_EQ(describe(resolver.resolve(uri("sip:srv.test"))),
            (std::vector<std::string>{"tcp 192.0.2.3:5099"}));
  // No SRV at all: the host's addresses on 5060 over UDP, or 5061 over TLS for sips:.
  dns.add("plain.test", DnsType::kA, {a("plain.test", "192.0.2.4")});
  EXPECT_EQ(describe(resolver.resolve(uri("sip:plain.test"))),
            (std::vector<std::string>{"udp 192.0.2.4:5060"}));
  EXPECT_EQ(describe(resolver.resolve(uri("sips:plain.test"))),
            (std::vector<std::string>{"tls 192.0.2.4:5061"}));
  // Nothing anywhere.
  EXPECT_TRUE(resolver.resolve(uri("sip:nowhere.test")).empty());
}

TEST_F(ResolverTest, IpLiteralsAndExplicitPortsSkipNaptrAndSrv) {
  EXPECT_EQ(describe(resolver.resolve(uri("sip:192.0.2.7;transport=tcp"))),
            (std::vector<std::string>{"tcp 192.0.2.7:5060"}));
  EXPECT_EQ(dns.count, 0);
  dns.add("h.test", DnsType::kA, {a("h.test", "192.0.2.8")});
  EXPECT_EQ(describe(resolver.resolve(uri("sip:h.test:5090"))),
            (std::vector<std::string>{"udp 192.0.2.8:5090"}));
  EXPECT_EQ(dns.asked, (std::vector<std::string>{"h.test", "h.test"}));  // A and AAAA only
  // An explicit transport: SRV for that transport only (no NAPTR).
  dns.asked.clear();
  dns.add("_sip._tcp.t.test", DnsType::kSrv, {srv("_sip._tcp.t.test", 1, 0, 5071, "h.test")});
  EXPECT_EQ(describe(resolver.resolve(uri("sip:t.test;transport=tcp"))),
            (std::vector<std::string>{"tcp 192.0.2.8:5071"}));
  EXPECT_EQ(dns.asked.front(), "_sip._tcp.t.test");
}

TEST_F(ResolverTest, AnswersAreCachedForTheirTtl) {
  dns.add("_sip._udp.c.test", DnsType::kSrv, {srv("_sip._udp.c.test", 1, 0, 5060, "h.c.test", 60)});
  dns.add("h.c.test", DnsType::kA, {a("h.c.test", "192.0.2.9", 20)});
  auto first = describe(resolver.resolve(uri("sip:c.test")));
  EXPECT_EQ(first, (std::vector<std::string>{"udp 192.0.2.9:5060"}));
  const int asked = dns.count;
  EXPECT_EQ(describe(resolver.resolve(uri("sip:c.test"))), first);
  EXPECT_EQ(dns.count, asked);  // NAPTR (negative), SRV, A and AAAA all from the cache
  now = Millis(25'000);         // the A record's 20 s have passed; the SRV's 60 s and the 30 s of
                                // the negative NAPTR and AAAA answers have not
  EXPECT_EQ(describe(resolver.resolve(uri("sip:c.test"))), first);
  EXPECT_EQ(dns.count, asked + 1);
  EXPECT_LE(resolver.cache_size(), SipResolver::kMaxCacheEntries);
}

// No DNS server answers: one query, then straight to the host fallback (not one time-out per
// NAPTR, SRV, A and AAAA query), and the next look-up asks DNS again.
class DeadDns final : public DnsSource {
 public:
  Result<std::string> query(const std::string&, DnsType) override {
    ++count;
    return make_error("dns", "timed out");
  }
  int count = 0;
};

TEST(SipResolverDeadDns, OneFailedQueryThenTheHostFallback) {
  DeadDns dead;
  SipResolver resolver{dead, [] { return Millis(0); }, [] { return 0u; },
                       [](const std::string& host) {
                         return host == "localhost" ? std::vector<std::string>{"127.0.0.1"}
                                                    : std::vector<std::string>{};
                       }};
  EXPECT_EQ(describe(resolver.resolve(uri("sip:reg@localhost"))),
            (std::vector<std::string>{"udp 127.0.0.1:5060"}));
  EXPECT_EQ(dead.count, 1);
  EXPECT_TRUE(resolver.resolve(uri("sip:reg@elsewhere.test")).empty());
  EXPECT_EQ(dead.count, 2);
}

TEST_F(ResolverTest, HostFallbackServesNamesDnsDoesNotKnow) {
  SipResolver with_hosts{dns, [this] { return now; }, [] { return 0u; },
                         [](const std::string& host) {
                           return host == "localhost" ? std::vector<std::string>{"127.0.0.1"}
                                                      : std::vector<std::string>{};
                         }};
  EXPECT_EQ(describe(with_hosts.resolve(uri("sip:reg@localhost"))),
            (std::vector<std::string>{"udp 127.0.0.1:5060"}));
}

}  // namespace
}  // namespace keyline::sip::testing
