#include "media/frames.h"

#include <algorithm>

#include "media/audio_codec.h"

namespace keyline::media {

std::span<std::uint8_t> FrameList::append(std::uint8_t fill) {
  bytes_.resize(bytes_.size() + frame_bytes_, fill);
  return (*this)[size() - 1];
}

void FrameList::push_back(std::span<const std::uint8_t> frame) {
  auto out = append(0);
  std::copy_n(frame.begin(), std::min(frame.size(), out.size()), out.begin());
}

EncodedPrompt encode_prompt(Codec codec, std::span<const std::int16_t> pcm8k) {
  EncodedPrompt prompt;
  prompt.codec = codec;
  // One encoder for the whole prompt: G.722's ADPCM state runs on from frame
  // to frame, as it would for live audio.
  auto encoder = AudioEncoder::create(codec);
  if (!encoder || pcm8k.empty()) return prompt;
  prompt.frames.reserve((pcm8k.size() + kFrameSamples - 1) / kFrameSamples);
  std::array<std::int16_t, kFrameSamples> padded{};
  for (std::size_t pos = 0; pos < pcm8k.size(); pos += kFrameSamples) {
    const auto chunk = pcm8k.subspan(pos, std::min(kFrameSamples, pcm8k.size() - pos));
    auto frame = prompt.frames.append(g711_law(codec) ? g711_silence(*g711_law(codec)) : 0);
    if (chunk.size() == kFrameSamples || g711_law(codec)) {
      encoder->encode(chunk, frame);
    } else {
      // The short last frame: pad with zero samples before encoding, which is
      // what silence means for an ADPCM codec.
      std::copy(chunk.begin(), chunk.end(), padded.begin());
      encoder->encode(padded, frame);
    }
  }
  return prompt;
}

}  // namespace keyline::media
