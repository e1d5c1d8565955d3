// Prompt audio cut into 20 ms G.711 frames, ready for RTP playout: encoding
// once at load time keeps the per-packet path to a copy.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/g711.h"

namespace keyline::media {

constexpr std::size_t kFrameSamples = 160;  // 20 ms at 8 kHz, one byte per sample

struct EncodedPrompt {
  G711 law = G711::kUlaw;
  // The last frame is padded with the law's silence code (0xFF / 0xD5).
  std::vector<std::array<std::uint8_t, kFrameSamples>> frames;
};

// pcm8k must already be 8 kHz mono; empty input gives no frames.
EncodedPrompt encode_prompt(G711 law, std::span<const std::int16_t> pcm8k);

}  // namespace keyline::media
