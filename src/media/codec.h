// The audio codecs a call's media can carry, and what they share on the wire.
// All three use an 8000 Hz RTP clock - G.722 samples at 16 kHz but keeps the
// 8000 rate by an RFC 3551 (4.5.2) quirk - and all three spend one payload
// byte per 125 µs: 160 bytes and 160 timestamp units per 20 ms packet.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "media/g711.h"

namespace keyline::media {

enum class Codec { kPcmu, kPcma, kG722 };

constexpr std::string_view codec_name(Codec codec) {
  switch (codec) {
    case Codec::kPcma:
      return "PCMA";
    case Codec::kG722:
      return "G722";
    default:
      return "PCMU";
  }
}

constexpr Codec codec_of(G711 law) { return law == G711::kUlaw ? Codec::kPcmu : Codec::kPcma; }

// The G.711 law of a G.711 codec; nullopt for anything else.
constexpr std::optional<G711> g711_law(Codec codec) {
  if (codec == Codec::kPcmu) return G711::kUlaw;
  if (codec == Codec::kPcma) return G711::kAlaw;
  return std::nullopt;
}

// Payload bytes per millisecond: G.711 is 8 bit x 8 kHz, G.722 64 kbit/s.
constexpr std::size_t kBytesPerMs = 8;
constexpr std::size_t frame_bytes(Codec /*codec*/, int ms) {
  return kBytesPerMs * static_cast<std::size_t>(ms);
}

}  // namespace keyline::media
