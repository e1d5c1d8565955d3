// One direction of a stream's codec, on 8 kHz linear audio: G.711 is a
// stateless table, G.722 an ADPCM state (run with 8 kHz on the linear side,
// see g722.h). For every codec here one 8 kHz sample is one payload byte, so
// a 20 ms frame is 160 samples and 160 bytes either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/result.h"
#include "media/codec.h"
#include "media/g722.h"

namespace keyline::media {

class AudioEncoder {
 public:
  static Result<AudioEncoder> create(Codec codec);
  Codec codec() const { return codec_; }
  // Encodes min(pcm8k.size(), out.size()) samples; returns the bytes written.
  std::size_t encode(std::span<const std::int16_t> pcm8k, std::span<std::uint8_t> out);

 private:
  explicit AudioEncoder(Codec codec) : codec_(codec) {}
  Codec codec_;
  std::unique_ptr<G722Encoder> g722_;
};

class AudioDecoder {
 public:
  static Result<AudioDecoder> create(Codec codec);
  Codec codec() const { return codec_; }
  // Decodes min(payload.size(), out.size()) bytes; returns the samples written.
  std::size_t decode(std::span<const std::uint8_t> payload, std::span<std::int16_t> out);

 private:
  explicit AudioDecoder(Codec codec) : codec_(codec) {}
  Codec codec_;
  std::unique_ptr<G722Decoder> g722_;
};

}  // namespace keyline::media
