// Sample-rate conversion for TTS output (voices speak at 16 kHz or more; the
// phone line is 8 kHz). A windowed-sinc filter rather than linear
// interpolation: downsampling must low-pass first, or the voice's energy
// above 4 kHz folds back into the band as audible aliasing.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace keyline::speech {

// Converts mono 16-bit audio from `from_rate` to `to_rate` (both > 0). The
// output has round(in.size() * to_rate / from_rate) samples. Equal rates
// copy; invalid rates give an empty result.
std::vector<std::int16_t> resample(std::span<const std::int16_t> in, int from_rate, int to_rate);

}  // namespace keyline::speech
