// RIFF WAVE files: prompts on disk and call recordings. Written as 16-bit
// PCM mono; read as 16-bit PCM or G.711 (decoded to 16-bit), mono or not.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace keyline::media {

// Errors are of kind "io" (cannot open/write) or "parse" (not a WAVE file we
// accept). Messages name the problem, never the file's contents.
Status write_wav(const std::string& path, std::span<const std::int16_t> samples, int sample_rate);

struct WavData {
  int sample_rate = 0;
  int channels = 0;
  std::vector<std::int16_t> samples;  // interleaved when channels > 1
};

// Accepts format 1 (16-bit PCM), 6 (A-law) and 7 (µ-law), also when wrapped
// in WAVE_FORMAT_EXTENSIBLE. Anything else, a truncated chunk, or a file
// over kMaxWavBytes is an error. A trailing partial sample frame is dropped.
Result<WavData> read_wav(const std::string& path);
// As read_wav, from bytes already in memory (uploads; the fuzz target).
Result<WavData> parse_wav(std::span<const std::uint8_t> bytes);

// Prompts are seconds long; the cap stops a bad path (a device, a huge
// upload) from being read into memory whole.
constexpr std::uintmax_t kMaxWavBytes = 64u << 20;

}  // namespace keyline::media
