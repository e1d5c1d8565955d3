#include "sdp/session.h"

#include "base/strings.h"

namespace keyline::sdp {
namespace {

Error sdp_error(std::string message) { return make_error("sdp", std::move(message)); }

std::string_view address_type(std::string_view address) {
  return address.find(':') != std::string_view::npos ? "IP6" : "IP4";
}

// "IN IP4 192.0.2.1[/ttl]" -> the address.
Result<std::string> parse_connection(std::string_view value) {
  auto parts = split_whitespace(value);
  if (parts.size() != 3 || parts[0] != "IN" || (parts[1] != "IP4" && parts[1] != "IP6"))
    return sdp_error("malformed c= line");
  std::string_view address = parts[2].substr(0, parts[2].find('/'));
  if (address.empty()) return sdp_error("malformed c= line");
  return std::string(address);
}

Status parse_origin(std::string_view value, SessionDescription& sd) {
  auto parts = split_whitespace(value);
  if (parts.size() != 6) return sdp_error("malformed o= line");
  auto id = parse_int<std::uint64_t>(parts[1]);
  auto version = parse_int<std::uint64_t>(parts[2]);
  if (!id || !version) return sdp_error("malformed o= line");
  sd.origin_username = std::string(parts[0]);
  sd.session_id = *id;
  sd.session_version = *version;
  sd.origin_address = std::string(parts[5]);
  return Ok{};
}

Result<MediaDescription> parse_media_line(std::string_view value) {
  auto parts = split_whitespace(value);
  if (parts.size() < 3) return sdp_error("malformed m= line");
  MediaDescription md;
  md.media = std::string(parts[0]);
  auto port = parse_int<std::uint16_t>(parts[1].substr(0, parts[1].find('/')));
  if (!port) return sdp_error("malformed m= port");
  md.port = *port;
  md.proto = std::string(parts[2]);
  for (std::size_t i = 3; i < parts.size(); ++i) {
    auto pt = parse_int<int>(parts[i]);
    if (pt && *pt >= 0 && *pt <= 127) {
      md.formats.push_back(*pt);
    } else {
      md.other_formats.emplace_back(parts[i]);
    }
  }
  return md;
}

std::optional<Direction> parse_direction(std::string_view attr) {
  if (attr == "sendrecv") return Direction::kSendRecv;
  if (attr == "sendonly") return Direction::kSendOnly;
  if (attr == "recvonly") return Direction::kRecvOnly;
  if (attr == "inactive") return Direction::kInactive;
  return std::nullopt;
}

// "0 PCMU/8000[/1]"
std::optional<RtpMap> parse_rtpmap(std::string_view value) {
  auto sp = value.find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  auto pt = parse_int<int>(value.substr(0, sp));
  auto pieces = split(trim(value.substr(sp + 1)), '/');
  if (!pt || pieces.size() < 2 || pieces.size() > 3 || pieces[0].empty()) return std::nullopt;
  auto rate = parse_int<int>(pieces[1]);
  if (!rate || *rate <= 0) return std::nullopt;
  RtpMap map{*pt, std::string(pieces[0]), *rate, 1};
  if (pieces.size() == 3) {
    auto channels = parse_int<int>(pieces[2]);
    if (!channels || *channels <= 0) return std::nullopt;
    map.channels = *channels;
  }
  return map;
}

// "53020" or "53020 IN IP4 126.16.64.4" (RFC 3605 2.1). Port 0 is no port.
std::optional<RtcpAttribute> parse_rtcp(std::string_view value) {
  auto parts = split_whitespace(value);
  if (parts.size() != 1 && parts.size() != 4) return std::nullopt;
  auto port = parse_int<std::uint16_t>(parts[0]);
  if (!port || *port == 0) return std::nullopt;
  RtcpAttribute rtcp{*port, std::nullopt};
  if (parts.size() == 4) {
    if (parts[1] != "IN" || (parts[2] != "IP4" && parts[2] != "IP6") || parts[3].empty())
      return std::nullopt;
    rtcp.address = std::string(parts[3]);
  }
  return rtcp;
}

// Applies one media-level a= line. Malformed rtpmap/fmtp/ptime values are
// kept as opaque attributes rather than failing the whole offer: a broken
// line for a codec we would not pick anyway must not cost the call.
void apply_media_attribute(std::string_view attr, MediaDescription& md, bool& explicit_direction) {
  auto colon = attr.find(':');
  std::string_view name = attr.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view{} : attr.substr(colon + 1);
  if (auto dir = parse_direction(attr)) {
    md.direction = *dir;
    explicit_direction = true;
    return;
  }
  if (name == "rtpmap") {
    if (auto map = parse_rtpmap(trim(value))) {
      md.rtpmaps.push_back(std::move(*map));
      return;
    }
  } else if (name == "fmtp") {
    value = trim(value);
    auto sp = value.find(' ');
    auto pt = parse_int<int>(value.substr(0, sp));
    if (pt) {
      md.fmtps.emplace_back(
          *pt, sp == std::string_view::npos ? std::string() : std::string(trim(value.substr(sp))));
      return;
    }
  } else if (name == "crypto") {
    // A malformed line is dropped rather than kept as text: it may hold key
    // bytes, and text attributes are not wiped.
    if (auto crypto = parse_crypto(value)) md.crypto.push_back(std::move(*crypto));
    return;
  } else if (name == "rtcp") {
    if (auto rtcp = parse_rtcp(trim(value))) {
      md.rtcp = std::move(*rtcp);
      return;
    }
  } else if (attr == "rtcp-mux") {
    md.rtcp_mux = true;
    return;
  } else if (name == "ptime") {
    value = trim(value);
    // Some peers write "20.0"; the integer part is what matters.
    auto ptime = parse_int<int>(value.substr(0, value.find('.')));
    if (ptime && *ptime > 0) {
      md.ptime = *ptime;
      return;
    }
  }
  md.other_attributes.emplace_back(attr);
}

}  // namespace

const RtpMap* MediaDescription::rtpmap(int payload_type) const {
  for (const auto& map : rtpmaps)
    if (map.payload_type == payload_type) return &map;
  return nullptr;
}

std::optional<std::string> MediaDescription::fmtp(int payload_type) const {
  for (const auto& [pt, params] : fmtps)
    if (pt == payload_type) return params;
  return std::nullopt;
}

std::optional<std::string> MediaDescription::address(
    const std::optional<std::string>& session_level) const {
  return connection_address ? connection_address : session_level;
}

std::string_view direction_name(Direction d) {
  switch (d) {
    case Direction::kSendRecv:
      return "sendrecv";
    case Direction::kSendOnly:
      return "sendonly";
    case Direction::kRecvOnly:
      return "recvonly";
    case Direction::kInactive:
      return "inactive";
  }
  return "sendrecv";
}

Result<SessionDescription> parse(std::string_view text) {
  SessionDescription sd;
  bool have_version = false;
  bool have_origin = false;
  std::optional<Direction> session_direction;
  std::vector<bool> explicit_direction;  // per media section
  for (std::string_view line : split(text, '\n')) {
    line = trim(line);
    if (line.empty()) continue;
    if (line.size() < 2 || line[1] != '=') return sdp_error("malformed line");
    char type = line[0];
    std::string_view value = line.substr(2);
    if (!have_version) {
      if (type != 'v' || trim(value) != "0") return sdp_error("missing v=0");
      have_version = true;
      continue;
    }
    bool in_media = !sd.media.empty();
    switch (type) {
      case 'o': {
        auto status = parse_origin(value, sd);
        if (!status) return status.error();
        have_origin = true;
        break;
      }
      case 's':
        sd.session_name = std::string(value);
        break;
      case 'c': {
        auto address = parse_connection(value);
        if (!address) return address.error();
        (in_media ? sd.media.back().connection_address : sd.connection_address) = *address;
        break;
      }
      case 'm': {
        auto md = parse_media_line(value);
        if (!md) return md.error();
        sd.media.push_back(std::move(md.value()));
        explicit_direction.push_back(false);
        break;
      }
      case 'a':
        if (in_media) {
          bool explicit_dir = explicit_direction.back();
          apply_media_attribute(value, sd.media.back(), explicit_dir);
          explicit_direction.back() = explicit_dir;
        } else if (auto dir = parse_direction(value)) {
          session_direction = *dir;
        } else if (value.substr(0, 7) == "crypto:") {
          // a=crypto is media-level only (RFC 4568 9.1); kept as text, its key
          // would escape the wiping, so it is dropped.
        } else {
          sd.other_attributes.emplace_back(value);
        }
        break;
      default:
        break;  // t=, b=, i=, u=, e=, p=, z=, k=, r=: not needed here
    }
  }
  if (!have_version) return sdp_error("missing v=0");
  if (!have_origin) return sdp_error("missing o=");
  if (sd.media.empty()) return sdp_error("missing m=");
  // A session-level direction applies to every stream that sets none.
  if (session_direction)
    for (std::size_t i = 0; i < sd.media.size(); ++i)
      if (!explicit_direction[i]) sd.media[i].direction = *session_direction;
  return sd;
}

std::string serialize(const SessionDescription& sd) {
  std::string out;
  auto line = [&out](char type, std::string_view value) {
    out += type;
    out += '=';
    out += value;
    out += "\r\n";
  };
  auto connection = [](const std::string& address) {
    return "IN " + std::string(address_type(address)) + " " + address;
  };
  line('v', "0");
  line('o', sd.origin_username + " " + std::to_string(sd.session_id) + " " +
                std::to_string(sd.session_version) + " " + connection(sd.origin_address));
  line('s', sd.session_name.empty() ? "-" : sd.session_name);
  if (sd.connection_address) line('c', connection(*sd.connection_address));
  line('t', "0 0");
  for (const auto& attr : sd.other_attributes) line('a', attr);
  for (const auto& md : sd.media) {
    std::string m = md.media + " " + std::to_string(md.port) + " " + md.proto;
    for (int pt : md.formats) m += " " + std::to_string(pt);
    for (const auto& f : md.other_formats) m += " " + f;
    line('m', m);
    if (md.connection_address) line('c', connection(*md.connection_address));
    for (const auto& map : md.rtpmaps) {
      std::string v = "rtpmap:" + std::to_string(map.payload_type) + " " + map.encoding + "/" +
                      std::to_string(map.clock_rate);
      if (map.channels != 1) v += "/" + std::to_string(map.channels);
      line('a', v);
    }
    for (const auto& [pt, params] : md.fmtps)
      line('a', "fmtp:" + std::to_string(pt) + " " + params);
    if (md.ptime) line('a', "ptime:" + std::to_string(*md.ptime));
    for (const auto& crypto : md.crypto) line('a', "crypto:" + format_crypto(crypto));
    if (md.rtcp) {
      std::string v = "rtcp:" + std::to_string(md.rtcp->port);
      if (md.rtcp->address) v += " " + connection(*md.rtcp->address);
      line('a', v);
    }
    if (md.rtcp_mux) line('a', "rtcp-mux");
    // A declined stream's attributes are meaningless (RFC 3264 6); keep it bare.
    if (md.port != 0 || md.direction != Direction::kSendRecv)
      line('a', direction_name(md.direction));
    for (const auto& attr : md.other_attributes) line('a', attr);
  }
  return out;
}

}  // namespace keyline::sdp
