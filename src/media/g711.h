// G.711 µ-law and A-law companding (ITU-T G.711), computed rather than
// table-driven: the segment search is a handful of compares, and no lookup
// table means no static data to initialise or share between threads.
#pragma once

#include <cstdint>
#include <span>

namespace keyline::media {

std::uint8_t linear_to_ulaw(std::int16_t sample);
std::int16_t ulaw_to_linear(std::uint8_t code);
std::uint8_t linear_to_alaw(std::int16_t sample);
std::int16_t alaw_to_linear(std::uint8_t code);

enum class G711 { kUlaw, kAlaw };

// Codes that decode to (near) zero: used to pad frames with silence.
constexpr std::uint8_t kUlawSilence = 0xFF;
constexpr std::uint8_t kAlawSilence = 0xD5;
constexpr std::uint8_t g711_silence(G711 law) {
  return law == G711::kUlaw ? kUlawSilence : kAlawSilence;
}

// Converts min(pcm.size(), out.size()) samples; the caller sizes the spans.
void encode_g711(G711 law, std::span<const std::int16_t> pcm, std::span<std::uint8_t> out);
void decode_g711(G711 law, std::span<const std::uint8_t> in, std::span<std::int16_t> out);

}  // namespace keyline::media
