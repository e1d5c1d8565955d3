#include "sdp/negotiation.h"

#include <algorithm>

#include "base/strings.h"

namespace keyline::sdp {
namespace {

constexpr int kPcmuPayloadType = 0;
constexpr int kPcmaPayloadType = 8;
constexpr int kG711ClockRate = 8000;
// RFC 4733 events 0-16: DTMF digits, *, #, A-D and flash.
constexpr std::string_view kTelephoneEventRange = "0-16";

int static_payload_type(Codec codec) {
  return codec == Codec::kPcmu ? kPcmuPayloadType : kPcmaPayloadType;
}

// Which G.711 codec `pt` denotes in this media description: by rtpmap name
// when mapped, else by the RFC 3551 static assignment.
std::optional<Codec> codec_of(const MediaDescription& md, int pt) {
  if (const RtpMap* map = md.rtpmap(pt)) {
    if (map->clock_rate != kG711ClockRate || map->channels != 1) return std::nullopt;
    if (iequals(map->encoding, "PCMU")) return Codec::kPcmu;
    if (iequals(map->encoding, "PCMA")) return Codec::kPcma;
    return std::nullopt;
  }
  if (pt == kPcmuPayloadType) return Codec::kPcmu;
  if (pt == kPcmaPayloadType) return Codec::kPcma;
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

bool is_usable_audio(const MediaDescription& md) {
  return md.media == "audio" && md.port != 0 && iequals(md.proto, "RTP/AVP");
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

SessionDescription local_session(const LocalMedia& local) {
  SessionDescription sd;
  sd.session_id = local.session_id;
  sd.session_version = local.session_version;
  sd.origin_address = local.address;
  sd.connection_address = local.address;
  return sd;
}

}  // namespace

std::string_view codec_name(Codec codec) { return codec == Codec::kPcmu ? "PCMU" : "PCMA"; }

Result<Answer> answer_offer(const SessionDescription& offer, const LocalMedia& local) {
  Answer answer{local_session(local), {}};
  bool accepted = false;
  for (const auto& offered : offer.media) {
    std::optional<std::pair<Codec, int>> chosen;
    auto remote = offered.address(offer.connection_address);
    if (!accepted && is_usable_audio(offered) && remote) {
      for (int pt : offered.formats) {
        auto codec = codec_of(offered, pt);
        if (codec &&
            std::find(local.codecs.begin(), local.codecs.end(), *codec) != local.codecs.end()) {
          chosen = std::make_pair(*codec, pt);
          break;
        }
      }
    }
    if (!chosen) {
      answer.sdp.media.push_back(declined(offered));
      continue;
    }
    auto telephone_event = telephone_event_of(offered);
    Direction direction = mirror(offered.direction);
    answer.sdp.media.push_back(
        audio_description(local.rtp_port, {*chosen}, telephone_event, local.ptime, direction));
    answer.media =
        NegotiatedMedia{*remote,        offered.port,    chosen->first,
                        chosen->second, telephone_event, offered.ptime.value_or(local.ptime),
                        direction};
    accepted = true;
  }
  if (!accepted)
    return make_error("sdp", "488 Not Acceptable Here: no audio stream with a supported codec");
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
      return NegotiatedMedia{*remote,
                             md.port,
                             *codec,
                             pt,
                             telephone_event,
                             md.ptime.value_or(offered.ptime.value_or(20)),
                             mirror(md.direction)};
    }
  }
  return make_error("sdp", "answer accepted no audio stream with a G.711 codec");
}

}  // namespace keyline::sdp
