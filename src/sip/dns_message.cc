#include "sip/dns_message.h"

#include <arpa/inet.h>

#include <cctype>

namespace keyline::sip {
namespace {

// Reads big-endian fields and names from a whole message, never past its end.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : b_(bytes) {}
  bool u8(std::size_t at, std::uint8_t& out) const {
    if (at >= b_.size()) return false;
    out = static_cast<std::uint8_t>(b_[at]);
    return true;
  }
  bool u16(std::size_t at, std::uint16_t& out) const {
    if (at + 2 > b_.size()) return false;
    out = static_cast<std::uint16_t>((static_cast<std::uint8_t>(b_[at]) << 8) |
                                     static_cast<std::uint8_t>(b_[at + 1]));
    return true;
  }
  bool u32(std::size_t at, std::uint32_t& out) const {
    std::uint16_t hi = 0, lo = 0;
    if (!u16(at, hi) || !u16(at + 2, lo)) return false;
    out = (static_cast<std::uint32_t>(hi) << 16) | lo;
    return true;
  }
  // The name at `at` (following compression pointers); `next` is where the name ends in
  // place. At most 64 jumps and 255 characters (RFC 1035 2.3.4).
  bool name(std::size_t at, std::string& out, std::size_t& next) const {
    out.clear();
    bool jumped = false;
    int jumps = 0;
    std::size_t pos = at;
    for (;;) {
      std::uint8_t len = 0;
      if (!u8(pos, len)) return false;
      if ((len & 0xC0) == 0xC0) {
        std::uint8_t low = 0;
        if (!u8(pos + 1, low)) return false;
        if (!jumped) next = pos + 2;
        jumped = true;
        if (++jumps > 64) return false;
        pos = (static_cast<std::size_t>(len & 0x3F) << 8) | low;
        continue;
      }
      if ((len & 0xC0) != 0) return false;  // extended label types are not used
      if (len == 0) {
        if (!jumped) next = pos + 1;
        return true;
      }
      if (pos + 1 + len > b_.size()) return false;
      if (!out.empty()) out += '.';
      for (std::size_t i = 0; i < len; ++i)
        out += static_cast<char>(std::tolower(static_cast<unsigned char>(b_[pos + 1 + i])));
      if (out.size() > 255) return false;
      pos += 1 + len;
    }
  }
  // A <character-string> (one length byte, then the bytes).
  bool text(std::size_t at, std::size_t end, std::string& out, std::size_t& next) const {
    std::uint8_t len = 0;
    if (!u8(at, len) || at + 1 + len > end) return false;
    out.assign(b_.substr(at + 1, len));
    next = at + 1 + len;
    return true;
  }
  std::string_view bytes(std::size_t at, std::size_t n) const { return b_.substr(at, n); }
  std::size_t size() const { return b_.size(); }

 private:
  std::string_view b_;
};

bool read_rdata(const Reader& r, std::uint16_t type, std::size_t at, std::size_t len,
                DnsRecord& rec) {
  const std::size_t end = at + len;
  std::size_t next = 0;
  switch (type) {
    case static_cast<std::uint16_t>(DnsType::kA): {
      if (len != 4) return false;
      char buf[INET_ADDRSTRLEN];
      if (!inet_ntop(AF_INET, r.bytes(at, 4).data(), buf, sizeof buf)) return false;
      rec.type = DnsType::kA;
      rec.address = buf;
      return true;
    }
    case static_cast<std::uint16_t>(DnsType::kAaaa): {
      if (len != 16) return false;
      char buf[INET6_ADDRSTRLEN];
      if (!inet_ntop(AF_INET6, r.bytes(at, 16).data(), buf, sizeof buf)) return false;
      rec.type = DnsType::kAaaa;
      rec.address = buf;
      return true;
    }
    case static_cast<std::uint16_t>(DnsType::kSrv):
      rec.type = DnsType::kSrv;
      return len >= 7 && r.u16(at, rec.priority) && r.u16(at + 2, rec.weight) &&
             r.u16(at + 4, rec.port) && r.name(at + 6, rec.target, next) && next <= end;
    case static_cast<std::uint16_t>(DnsType::kNaptr): {
      rec.type = DnsType::kNaptr;
      if (!r.u16(at, rec.order) || !r.u16(at + 2, rec.preference)) return false;
      std::size_t pos = at + 4;
      if (!r.text(pos, end, rec.flags, pos) || !r.text(pos, end, rec.services, pos) ||
          !r.text(pos, end, rec.regexp, pos))
        return false;
      for (auto& c : rec.flags) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (auto& c : rec.services)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return r.name(pos, rec.target, next) && next <= end;
    }
    default:
      return false;
  }
}

void put16(std::string& out, std::uint16_t v) {
  out += static_cast<char>(v >> 8);
  out += static_cast<char>(v & 0xFF);
}

void put32(std::string& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v & 0xFFFF));
}

void put_name(std::string& out, std::string_view name) {
  while (!name.empty()) {
    auto dot = name.find('.');
    std::string_view label = name.substr(0, dot);
    out += static_cast<char>(label.size());
    out += label;
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  out += '\0';
}

void put_text(std::string& out, std::string_view text) {
  out += static_cast<char>(text.size());
  out += text;
}

}  // namespace

Result<DnsAnswer> parse_dns_message(std::string_view bytes) {
  Reader r(bytes);
  std::uint16_t flags = 0, qd = 0, an = 0, ns = 0, ar = 0;
  if (!r.u16(2, flags) || !r.u16(4, qd) || !r.u16(6, an) || !r.u16(8, ns) || !r.u16(10, ar))
    return make_error("dns", "short DNS header");
  if (!(flags & 0x8000)) return make_error("dns", "not a DNS response");
  DnsAnswer answer;
  answer.rcode = flags & 0x0F;
  std::size_t pos = 12;
  std::string name;
  for (std::uint16_t i = 0; i < qd; ++i) {
    std::size_t next = 0;
    if (!r.name(pos, name, next)) return make_error("dns", "bad question name");
    pos = next + 4;
    if (pos > r.size()) return make_error("dns", "short question");
  }
  const unsigned total = static_cast<unsigned>(an) + ns + ar;
  for (unsigned i = 0; i < total; ++i) {
    DnsRecord rec;
    std::size_t next = 0;
    if (!r.name(pos, rec.name, next)) return make_error("dns", "bad record name");
    std::uint16_t type = 0, cls = 0, rdlen = 0;
    if (!r.u16(next, type) || !r.u16(next + 2, cls) || !r.u32(next + 4, rec.ttl) ||
        !r.u16(next + 8, rdlen))
      return make_error("dns", "short record");
    const std::size_t rdata = next + 10;
    if (rdata + rdlen > r.size()) return make_error("dns", "record data past the end");
    pos = rdata + rdlen;
    if (i >= an && i < static_cast<unsigned>(an) + ns) continue;  // authority: not needed
    if (cls != 1) continue;                                       // IN only
    const bool known = type == 1 || type == 28 || type == 33 || type == 35;
    if (!known) continue;
    if (!read_rdata(r, type, rdata, rdlen, rec)) return make_error("dns", "malformed record data");
    if (rec.ttl > 0x7FFFFFFF) rec.ttl = 0;  // RFC 2181 8: the top bit set means zero
    answer.records.push_back(std::move(rec));
  }
  return answer;
}

std::string build_dns_answer(std::string_view qname, DnsType qtype,
                             const std::vector<DnsRecord>& records, int rcode) {
  std::string out;
  put16(out, 0x1234);                                             // id
  put16(out, static_cast<std::uint16_t>(0x8180 | (rcode & 15)));  // response, RD, RA
  put16(out, 1);
  put16(out, static_cast<std::uint16_t>(records.size()));
  put16(out, 0);
  put16(out, 0);
  put_name(out, qname);
  put16(out, static_cast<std::uint16_t>(qtype));
  put16(out, 1);
  for (const auto& rec : records) {
    if (rec.name == qname) {
      put16(out, 0xC00C);  // pointer to the question's name
    } else {
      put_name(out, rec.name);
    }
    put16(out, static_cast<std::uint16_t>(rec.type));
    put16(out, 1);
    put32(out, rec.ttl);
    std::string rdata;
    switch (rec.type) {
      case DnsType::kA: {
        unsigned char a[4] = {};
        inet_pton(AF_INET, rec.address.c_str(), a);
        rdata.assign(reinterpret_cast<const char*>(a), 4);
        break;
      }
      case DnsType::kAaaa: {
        unsigned char a[16] = {};
        inet_pton(AF_INET6, rec.address.c_str(), a);
        rdata.assign(reinterpret_cast<const char*>(a), 16);
        break;
      }
      case DnsType::kSrv:
        put16(rdata, rec.priority);
        put16(rdata, rec.weight);
        put16(rdata, rec.port);
        put_name(rdata, rec.target);
        break;
      case DnsType::kNaptr:
        put16(rdata, rec.order);
        put16(rdata, rec.preference);
        put_text(rdata, rec.flags);
        put_text(rdata, rec.services);
        put_text(rdata, rec.regexp);
        put_name(rdata, rec.target);
        break;
    }
    put16(out, static_cast<std::uint16_t>(rdata.size()));
    out += rdata;
  }
  return out;
}

}  // namespace keyline::sip
