// Signal level, for tests and tools that need to tell speech from silence.
#pragma once

#include <cstdint>
#include <span>

namespace keyline::media {

// RMS level relative to a full-scale square wave (32768 -> 0 dBFS).
// Empty or all-zero input returns -infinity.
double rms_dbfs(std::span<const std::int16_t> pcm);

}  // namespace keyline::media
