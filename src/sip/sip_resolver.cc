#include "sip/sip_resolver.h"

#include <algorithm>

#include "base/strings.h"

namespace keyline::sip {
namespace {

std::uint16_t default_port(TransportKind kind) { return kind == TransportKind::kTls ? 5061 : 5060; }

std::string srv_prefix(TransportKind kind) {
  switch (kind) {
    case TransportKind::kUdp:
      return "_sip._udp.";
    case TransportKind::kTcp:
      return "_sip._tcp.";
    case TransportKind::kTls:
      return "_sips._tcp.";
  }
  return "_sip._udp.";
}

bool is_ip_literal(const std::string& host) { return io::Endpoint::parse(host, 1).ok(); }

std::string lower_no_dot(std::string name) {
  name = to_lower(name);
  while (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

}  // namespace

std::vector<NaptrChoice> select_naptr(const std::vector<DnsRecord>& records, bool sips) {
  std::vector<const DnsRecord*> usable;
  for (const auto& r : records) {
    if (r.type != DnsType::kNaptr || r.flags != "s" || r.target.empty()) continue;
    const bool known =
        r.services == "SIPS+D2T" || (!sips && (r.services == "SIP+D2U" || r.services == "SIP+D2T"));
    if (known) usable.push_back(&r);
  }
  std::stable_sort(usable.begin(), usable.end(), [](const DnsRecord* a, const DnsRecord* b) {
    return a->order != b->order ? a->order < b->order : a->preference < b->preference;
  });
  std::vector<NaptrChoice> out;
  for (const DnsRecord* r : usable) {
    NaptrChoice c;
    c.kind = r->services == "SIP+D2U"   ? TransportKind::kUdp
             : r->services == "SIP+D2T" ? TransportKind::kTcp
                                        : TransportKind::kTls;
    c.srv_name = r->target;
    out.push_back(std::move(c));
  }
  return out;
}

std::vector<DnsRecord> order_srv(std::vector<DnsRecord> records,
                                 const std::function<std::uint32_t()>& random) {
  records.erase(std::remove_if(records.begin(), records.end(),
                               [](const DnsRecord& r) { return r.type != DnsType::kSrv; }),
                records.end());
  if (records.size() == 1 && records[0].target.empty()) return {};  // "." : not offered
  std::stable_sort(records.begin(), records.end(),
                   [](const DnsRecord& a, const DnsRecord& b) { return a.priority < b.priority; });
  std::vector<DnsRecord> out;
  std::size_t i = 0;
  while (i < records.size()) {
    std::size_t j = i;
    while (j < records.size() && records[j].priority == records[i].priority) ++j;
    // RFC 2782: zero-weight entries first in the list so they keep a small chance, then
    // repeatedly pick by a running sum of weights.
    std::vector<DnsRecord> group(records.begin() + static_cast<std::ptrdiff_t>(i),
                                 records.begin() + static_cast<std::ptrdiff_t>(j));
    std::stable_partition(group.begin(), group.end(),
                          [](const DnsRecord& r) { return r.weight == 0; });
    while (!group.empty()) {
      std::uint32_t total = 0;
      for (const auto& r : group) total += r.weight;
      const std::uint32_t pick = total == 0 ? 0 : random() % (total + 1);
      std::uint32_t running = 0;
      std::size_t chosen = group.size() - 1;
      for (std::size_t k = 0; k < group.size(); ++k) {
        running += group[k].weight;
        if (running >= pick) {
          chosen = k;
          break;
        }
      }
      if (!group[chosen].target.empty()) out.push_back(group[chosen]);
      group.erase(group.begin() + static_cast<std::ptrdiff_t>(chosen));
    }
    i = j;
  }
  return out;
}

SipResolver::SipResolver(DnsSource& source, std::function<Millis()> now,
                         std::function<std::uint32_t()> random, HostFallback fallback)
    : source_(source),
      now_(std::move(now)),
      random_(std::move(random)),
      fallback_(std::move(fallback)) {}

std::vector<DnsRecord> SipResolver::lookup(const std::string& name, DnsType type) {
  const Millis now = now_();
  auto key = std::make_pair(name, type);
  if (auto it = cache_.find(key); it != cache_.end()) {
    if (it->second.expires > now) return it->second.records;
    cache_.erase(it);
  }
  if (dns_down_) return {};
  ++queries_;
  auto bytes = source_.query(name, type);
  if (!bytes) {
    dns_down_ = true;  // not cached: the next resolve() asks again
    return {};
  }
  auto answer = parse_dns_message(*bytes);
  if (!answer) return {};
  // Group what came back by (owner, type): the answer, and the additional section's SRV
  // targets' addresses, which save the next queries.
  std::map<std::pair<std::string, DnsType>, CacheEntry> fresh;
  for (auto& r : answer->records) {
    auto& entry = fresh[std::make_pair(r.name, r.type)];
    const Millis expires = now + Millis(static_cast<std::int64_t>(r.ttl) * 1000);
    entry.expires = entry.records.empty() ? expires : std::min(entry.expires, expires);
    entry.records.push_back(r);
  }
  auto& mine = fresh[key];
  if (mine.records.empty()) mine.expires = now + Millis(kNegativeTtlS * 1000);
  if (cache_.size() + fresh.size() > kMaxCacheEntries) cache_.clear();  // small; start over
  std::vector<DnsRecord> out = mine.records;
  for (auto& [k, entry] : fresh) cache_[k] = std::move(entry);
  return out;
}

std::vector<std::string> SipResolver::addresses(const std::string& host) {
  std::vector<std::string> out;
  for (DnsType type : {DnsType::kA, DnsType::kAaaa})
    for (auto& r : lookup(host, type)) out.push_back(r.address);
  if (out.empty() && fallback_) out = fallback_(host);
  return out;
}

void SipResolver::add_host(std::vector<SipTarget>& out, TransportKind kind, const std::string& host,
                           std::uint16_t port) {
  for (const auto& address : addresses(host)) {
    if (out.size() >= kMaxTargets) return;
    auto ep = io::Endpoint::parse(address, port);
    if (ep) out.push_back(SipTarget{kind, *ep});
  }
}

void SipResolver::add_srv(std::vector<SipTarget>& out, TransportKind kind,
                          const std::string& srv_name) {
  for (const auto& srv : order_srv(lookup(srv_name, DnsType::kSrv), random_))
    add_host(out, kind, srv.target, srv.port);
}

std::vector<SipTarget> SipResolver::resolve(const Uri& uri) {
  dns_down_ = false;
  std::vector<SipTarget> out;
  const bool sips = uri.scheme == "sips";
  const std::string host = lower_no_dot(uri.host);
  if (host.empty()) return out;
  std::optional<TransportKind> kind;
  if (sips) kind = TransportKind::kTls;
  if (auto t = uri.param("transport")) {
    if (iequals(*t, "udp") && !sips) kind = TransportKind::kUdp;
    if (iequals(*t, "tcp") && !sips) kind = TransportKind::kTcp;
    if (iequals(*t, "tls")) kind = TransportKind::kTls;
  }
  const bool explicit_transport = uri.param("transport").has_value();
  // 4.1/4.2: an IP address or an explicit port means no NAPTR and no SRV.
  if (is_ip_literal(host) || uri.port != 0) {
    const TransportKind k = kind.value_or(TransportKind::kUdp);
    const std::uint16_t port = uri.port ? uri.port : default_port(k);
    if (auto ep = io::Endpoint::parse(host, port)) {
      out.push_back(SipTarget{k, *ep});
      return out;
    }
    add_host(out, k, host, port);
    return out;
  }
  if (!explicit_transport) {
    for (const auto& choice : select_naptr(lookup(host, DnsType::kNaptr), sips)) {
      add_srv(out, choice.kind, choice.srv_name);
      if (out.size() >= kMaxTargets) return out;
    }
    if (!out.empty()) return out;
  }
  // No (usable) NAPTR: SRV for the transports allowed, ours in order of preference.
  std::vector<TransportKind> kinds;
  if (kind) {
    kinds.push_back(*kind);
  } else {
    kinds = {TransportKind::kUdp, TransportKind::kTcp, TransportKind::kTls};
  }
  for (TransportKind k : kinds) {
    add_srv(out, k, srv_prefix(k) + host);
    if (!out.empty()) return out;  // the first transport with SRV records is the one
  }
  // 4.2: no SRV: the host's addresses on the default port.
  const TransportKind k = kind.value_or(TransportKind::kUdp);
  add_host(out, k, host, default_port(k));
  return out;
}

}  // namespace keyline::sip
