#include "media/audio_codec.h"

#include <algorithm>

namespace keyline::media {

Result<AudioEncoder> AudioEncoder::create(Codec codec) {
  AudioEncoder encoder(codec);
  if (codec == Codec::kG722) {
    auto g722 = G722Encoder::create(G722Rate::k8000);
    if (!g722) return g722.error();
    encoder.g722_ = std::move(*g722);
  }
  return encoder;
}

std::size_t AudioEncoder::encode(std::span<const std::int16_t> pcm8k, std::span<std::uint8_t> out) {
  if (g722_) return g722_->encode(pcm8k, out);
  std::size_t n = std::min(pcm8k.size(), out.size());
  encode_g711(*g711_law(codec_), pcm8k.first(n), out.first(n));
  return n;
}

Result<AudioDecoder> AudioDecoder::create(Codec codec) {
  AudioDecoder decoder(codec);
  if (codec == Codec::kG722) {
    auto g722 = G722Decoder::create(G722Rate::k8000);
    if (!g722) return g722.error();
    decoder.g722_ = std::move(*g722);
  }
  return decoder;
}

std::size_t AudioDecoder::decode(std::span<const std::uint8_t> payload,
                                 std::span<std::int16_t> out) {
  if (g722_) return g722_->decode(payload, out);
  std::size_t n = std::min(payload.size(), out.size());
  decode_g711(*g711_law(codec_), payload.first(n), out.first(n));
  return n;
}

}  // namespace keyline::media
