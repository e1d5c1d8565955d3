#include "sdp/negotiation.h"

#include <algorithm>

#include "base/strings.h"
#include "sdp/sdes.h"

namespace keyline::sdp {
namespace {

constexpr int kPcmuPayloadType = 0;
constexpr int kPcmaPayloadType = 8;
constexpr int kG722PayloadType = 9;
// The RTP clock of every codec here (G.722 included, RFC 3551 4.5.2) and of
// telephone-event.
constexpr int kG711ClockRate = 8000;
// RFC 4733 events 0-16: DTMF digits, *, #, A-D and flash.
constexpr std::string_view kTelephoneEventRange = "0-16";

int static_payload_type(Codec codec) {
  switch (codec) {
    case Codec::kPcma:
      return kPcmaPayloadType;
    case Codec::kG722:
      return kG722PayloadType;
    default:
      return kPcmuPayloadType;
  }
}

// Which codec of ours `pt` denotes in this media description: by rtpmap name
// when mapped, else by the RFC 3551 static assignment.
std::optional<Codec> codec_of(const MediaDescription& md, int pt) {
  if (const RtpMap* map = md.rtpmap(pt)) {
    if (map->clock_rate != kG711ClockRate || map->channels != 1) return std::nullopt;
    if (iequals(map->encoding, "PCMU")) return Codec::kPcmu;
    if (iequals(map->encoding, "PCMA")) return Codec::kPcma;
    if (iequals(map->encoding, "G722")) return Codec::kG722;
    return std::nullopt;
  }
  if (pt == kPcmuPayloadType) return Codec::kPcmu;
  if (pt == kPcmaPayloadType) return Codec::kPcma;
  if (pt == kG722PayloadType) return Codec::kG722;
  return std::nullopt;
}

// The telephone-event/8000 payload type listed on the m-line, if any.
std::optional<int> telephone_event_of(const MediaDescription& md) {
  for (int pt : md.formats) {
    const RtpMap* map = md.rtpmap(pt);
    if (map && iequals(map->encoding, "telephone-event") && map->clock_rate == kG711ClockRate)
      return pt;
  }
  return std::nullopt;
}

bool contains(const std::vector<int>& v, int x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

// The direction the other side's attribute leaves for us.
Direction mirror(Direction d) {
  switch (d) {
    case Direction::kSendOnly:
      return Direction::kRecvOnly;
    case Direction::kRecvOnly:
      return Direction::kSendOnly;
    default:
      return d;
  }
}

bool is_savp(const MediaDescription& md) { return iequals(md.proto, "RTP/SAVP"); }

bool is_usable_audio(const MediaDescription& md) {
  return md.media == "audio" && md.port != 0 && (iequals(md.proto, "RTP/AVP") || is_savp(md));
}

// Why local.srtp refuses this stream's profile, or nullopt when it is
// acceptable; for RTP/SAVP, `crypto` is set to the a=crypto line we take.
std::optional<std::string> srtp_refusal(const MediaDescription& offered, const LocalMedia& local,
                                        const CryptoAttribute*& crypto) {
  if (!is_savp(offered)) {
    if (local.srtp == SrtpPolicy::kMandatory)
      return "SRTP is mandatory here and the offer is RTP/AVP";
    return std::nullopt;
  }
  if (local.srtp == SrtpPolicy::kOff) return "SRTP is off here and the offer is RTP/SAVP";
  crypto = choose_offered_crypto(offered, local.srtp_suites);
  if (!crypto) return "the RTP/SAVP offer has no a=crypto line with a supported suite and key";
  return std::nullopt;
}

std::optional<std::pair<Codec, int>> choose_codec(const MediaDescription& offered,
                                                  const LocalMedia& local) {
  for (int pt : offered.formats) {
    auto codec = codec_of(offered, pt);
    if (codec && std::find(local.codecs.begin(), local.codecs.end(), *codec) != local.codecs.end())
      return std::make_pair(*codec, pt);
  }
  return std::nullopt;
}

// RFC 3264 6: a rejected stream is answered with port 0 and the offered
// formats, with no attributes.
MediaDescription declined(const MediaDescription& offered) {
  MediaDescription md;
  md.media = offered.media;
  md.port = 0;
  md.proto = offered.proto;
  md.formats = offered.formats;
  md.other_formats = offered.other_formats;
  return md;
}

MediaDescription audio_description(std::uint16_t port,
                                   const std::vector<std::pair<Codec, int>>& codecs,
                                   std::optional<int> telephone_event, int ptime,
                                   Direction direction) {
  MediaDescription md;
  md.media = "audio";
  md.port = port;
  md.proto = "RTP/AVP";
  for (const auto& [codec, pt] : codecs) {
    md.formats.push_back(pt);
    md.rtpmaps.push_back(RtpMap{pt, std::string(codec_name(codec)), kG711ClockRate, 1});
  }
  if (telephone_event) {
    md.formats.push_back(*telephone_event);
    md.rtpmaps.push_back(RtpMap{*telephone_event, "telephone-event", kG711ClockRate, 1});
    md.fmtps.emplace_back(*telephone_event, std::string(kTelephoneEventRange));
  }
  md.ptime = ptime;
  md.direction = direction;
  return md;
}

// Where the peer wants RTCP, from its m-line's a=rtcp, when RTCP is not multiplexed.
std::optional<RtcpAttribute> remote_rtcp(const MediaDescription& md, bool mux,
                                         const std::string& stream_address) {
  if (mux || !md.rtcp) return std::nullopt;
  return RtcpAttribute{md.rtcp->port, md.rtcp->address.value_or(stream_address)};
}

SessionDescription local_session(const LocalMedia& local) {
  SessionDescription sd;
  sd.session_id = local.session_id;
  sd.session_version = local.session_version;
  sd.origin_address = local.address;
  sd.connection_address = local.address;
  return sd;
}

}  // namespace

std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kPcma:
      return "PCMA";
    case Codec::kG722:
      return "G722";
    default:
      return "PCMU";
  }
}

Result<Answer> answer_offer(const SessionDescription& offer, const LocalMedia& local) {
  Answer answer{local_session(local), {}};
  bool accepted = false;
  std::string why = "no audio stream with a supported codec";
  for (const auto& offered : offer.media) {
    std::optional<std::pair<Codec, int>> chosen;
    const CryptoAttribute* crypto = nullptr;
    auto remote = offered.address(offer.connection_address);
    if (!accepted && is_usable_audio(offered) && remote) {
      if (auto refusal = srtp_refusal(offered, local, crypto))
        why = std::move(*refusal);
      else
        chosen = choose_codec(offered, local);
    }
    if (!chosen) {
      answer.sdp.media.push_back(declined(offered));
      continue;
    }
    std::optional<int> telephone_event;
    if (local.telephone_event_pt != 0) telephone_event = telephone_event_of(offered);
    Direction direction = mirror(offered.direction);
    MediaDescription md =
        audio_description(local.rtp_port, {*chosen}, telephone_event, local.ptime, direction);
    answer.media =
        NegotiatedMedia{*remote,        offered.port,    chosen->first,
                        chosen->second, telephone_event, offered.ptime.value_or(local.ptime),
                        direction};
    // The answerer multiplexes only when the offer asked for it (RFC 5761 5.1.1, RFC 8035).
    md.rtcp_mux = local.rtcp_mux && offered.rtcp_mux;
    answer.media.rtcp_mux = md.rtcp_mux;
    answer.media.remote_rtcp = remote_rtcp(offered, md.rtcp_mux, *remote);
    if (crypto) {
      // RFC 4568 7.1.1: echo the offered tag and suite, with our own key.
      auto ours = make_local_crypto(crypto->tag, *crypto->known_suite(), local.random);
      if (!ours) return ours.error();
      md.proto = "RTP/SAVP";
      answer.media.srtp = keys_for_answer(*crypto, *ours);
      md.crypto.push_back(std::move(*ours));
    }
    answer.sdp.media.push_back(std::move(md));
    accepted = true;
  }
  if (!accepted) return make_error("sdp", "488 Not Acceptable Here: " + why);
  return answer;
}

SessionDescription make_offer(const LocalMedia& local) {
  SessionDescription sd = local_session(local);
  std::vector<std::pair<Codec, int>> codecs;
  for (Codec codec : local.codecs) codecs.emplace_back(codec, static_payload_type(codec));
  std::optional<int> telephone_event;
  // Only the RFC 3551 dynamic range is a legal choice for telephone-event.
  if (local.telephone_event_pt >= 96 && local.telephone_event_pt <= 127)
    telephone_event = local.telephone_event_pt;
  sd.media.push_back(audio_description(local.rtp_port, codecs, telephone_event, local.ptime,
                                       Direction::kSendRecv));
  if (local.rtcp_mux && local.rtp_port != 0 && local.rtp_port < 65535) {
    // a=rtcp (RFC 3605) names the port RTCP falls back to when the answer does not multiplex.
    // It is the default RTP port + 1 (MediaSession binds the pair), but said explicitly so a
    // middlebox that rewrites the RTP port knows the RTCP one is in play too.
    MediaDescription& md = sd.media.front();
    md.rtcp_mux = true;
    md.rtcp = RtcpAttribute{static_cast<std::uint16_t>(local.rtp_port + 1), std::nullopt};
  }
  return sd;
}

Result<SessionDescription> make_secure_offer(const LocalMedia& local) {
  if (local.srtp_suites.empty()) return make_error("sdp", "no SRTP suites to offer");
  SessionDescription sd = make_offer(local);
  MediaDescription& md = sd.media.front();
  md.proto = "RTP/SAVP";
  std::uint32_t tag = 1;
  for (SrtpSuite suite : local.srtp_suites) {
    // A key per line: the answerer takes one, and the others are never used.
    auto crypto = make_local_crypto(tag++, suite, local.random);
    if (!crypto) return crypto.error();
    md.crypto.push_back(std::move(*crypto));
  }
  return sd;
}

Result<NegotiatedMedia> accept_answer(const SessionDescription& offer,
                                      const SessionDescription& answer) {
  // RFC 3264 6: the answer has exactly one m-line per offered m-line.
  if (answer.media.size() != offer.media.size())
    return make_error("sdp", "answer does not have one m-line per offered m-line");
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& offered = offer.media[i];
    const MediaDescription& md = answer.media[i];
    if (!is_usable_audio(offered) || md.port == 0) continue;
    for (int pt : md.formats) {
      if (!contains(offered.formats, pt)) continue;
      // The answer may omit rtpmap lines for PTs we defined in the offer.
      auto codec = md.rtpmap(pt) ? codec_of(md, pt) : codec_of(offered, pt);
      if (!codec) continue;
      auto remote = md.address(answer.connection_address);
      if (!remote) return make_error("sdp", "answer has no connection address");
      std::optional<int> telephone_event = telephone_event_of(md);
      if (!telephone_event) {
        auto ours = telephone_event_of(offered);
        if (ours && contains(md.formats, *ours)) telephone_event = ours;
      }
      NegotiatedMedia agreed{*remote,
                             md.port,
                             *codec,
                             pt,
                             telephone_event,
                             md.ptime.value_or(offered.ptime.value_or(20)),
                             mirror(md.direction)};
      // An a=rtcp-mux in an answer to an offer without one means nothing (RFC 5761 5.1.1).
      agreed.rtcp_mux = offered.rtcp_mux && md.rtcp_mux;
      agreed.remote_rtcp = remote_rtcp(md, agreed.rtcp_mux, *remote);
      if (is_savp(offered)) {
        auto keys = keys_from_answer(offered, md);
        if (!keys) return keys.error();
        agreed.srtp = std::move(*keys);
      }
      return agreed;
    }
  }
  return make_error("sdp", "answer accepted no audio stream with a codec we offered");
}

}  // namespace keyline::sdp
