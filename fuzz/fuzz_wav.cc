// libFuzzer target: WAV prompt files (uploaded by app builders, so not
// trusted). Parsing, channel/rate checks and resampling must never crash or
// read out of bounds; whatever decodes must fit the size of the input.
#include <cstddef>
#include <cstdint>
#include <span>

#include "media/wav.h"
#include "speech/audio_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> bytes(data, size);
  if (auto wav = keyline::media::parse_wav(bytes)) {
    if (wav->samples.size() > size) __builtin_trap();  // at least one byte per sample
  }
  if (auto pcm = keyline::speech::decode_audio_8k(bytes, ".wav")) {
    // 8 kHz or resampled down from 8-48 kHz: never more than ~1 sample per byte.
    if (pcm->size() > size + 1) __builtin_trap();
  }
  return 0;
}
