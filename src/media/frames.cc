#include "media/frames.h"

#include <algorithm>

namespace keyline::media {

EncodedPrompt encode_prompt(G711 law, std::span<const std::int16_t> pcm8k) {
  EncodedPrompt prompt;
  prompt.law = law;
  prompt.frames.reserve((pcm8k.size() + kFrameSamples - 1) / kFrameSamples);
  for (std::size_t pos = 0; pos < pcm8k.size(); pos += kFrameSamples) {
    auto& frame = prompt.frames.emplace_back();
    frame.fill(g711_silence(law));
    const auto chunk = pcm8k.subspan(pos, std::min(kFrameSamples, pcm8k.size() - pos));
    encode_g711(law, chunk, frame);
  }
  return prompt;
}

}  // namespace keyline::media
