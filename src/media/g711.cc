// The algorithms follow the reference implementation distributed with the
// ITU-T G.191 software tools (the classic Sun g711.c): µ-law works on 14-bit
// magnitudes, A-law on 13-bit, so the 16-bit input is shifted down first.
#include "media/g711.h"

#include <algorithm>

namespace keyline::media {
namespace {

constexpr int kUlawBias = 0x21;  // 0x84 >> 2, in 14-bit units
constexpr int kUlawClip = 8159;  // largest 14-bit magnitude before bias

// Index of the first segment whose upper end is >= value, or 8 if none.
int segment(int value, int first_end) {
  int end = first_end;
  for (int seg = 0; seg < 8; ++seg) {
    if (value <= end) return seg;
    end = end * 2 + 1;
  }
  return 8;
}

}  // namespace

std::uint8_t linear_to_ulaw(std::int16_t sample) {
  int pcm = sample >> 2;
  int mask = 0xFF;
  if (pcm < 0) {
    pcm = -pcm;
    mask = 0x7F;
  }
  pcm = std::min(pcm, kUlawClip) + kUlawBias;
  const int seg = segment(pcm, 0x3F);
  if (seg >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);  // full scale
  const int code = (seg << 4) | ((pcm >> (seg + 1)) & 0x0F);
  return static_cast<std::uint8_t>(code ^ mask);
}

std::int16_t ulaw_to_linear(std::uint8_t code) {
  const int u = ~code & 0xFF;
  int t = ((u & 0x0F) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return static_cast<std::int16_t>((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

std::uint8_t linear_to_alaw(std::int16_t sample) {
  int pcm = sample >> 3;
  int mask = 0xD5;  // sign bit set for positive, even bits inverted
  if (pcm < 0) {
    pcm = -pcm - 1;  // A-law is symmetric around -0.5, not 0
    mask = 0x55;
  }
  const int seg = segment(pcm, 0x1F);
  if (seg >= 8) return static_cast<std::uint8_t>(0x7F ^ mask);
  int code = seg << 4;
  code |= (seg < 2) ? ((pcm >> 1) & 0x0F) : ((pcm >> seg) & 0x0F);
  return static_cast<std::uint8_t>(code ^ mask);
}

std::int16_t alaw_to_linear(std::uint8_t code) {
  const int a = code ^ 0x55;
  int t = (a & 0x0F) << 4;
  const int seg = (a & 0x70) >> 4;
  if (seg == 0) {
    t += 8;
  } else {
    t += 0x108;
    t <<= seg - 1;
  }
  return static_cast<std::int16_t>((a & 0x80) ? t : -t);
}

void encode_g711(G711 law, std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
  const std::size_t n = std::min(pcm.size(), out.size());
  for (std::size_t i = 0; i < n; ++i)
    out[i] = law == G711::kUlaw ? linear_to_ulaw(pcm[i]) : linear_to_alaw(pcm[i]);
}

void decode_g711(G711 law, std::span<const std::uint8_t> in, std::span<std::int16_t> out) {
  const std::size_t n = std::min(in.size(), out.size());
  for (std::size_t i = 0; i < n; ++i)
    out[i] = law == G711::kUlaw ? ulaw_to_linear(in[i]) : alaw_to_linear(in[i]);
}

}  // namespace keyline::media
