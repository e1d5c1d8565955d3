// Prompt audio cut into 20 ms codec frames, ready for RTP playout: encoding
// once at load time keeps the per-packet path to a copy. The frames of one
// prompt live in one flat buffer (no allocation per frame), and the frame
// size is the prompt's, not a constant, so codecs and packet times other
// than 20 ms G.711 fit the same type.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "media/codec.h"
#include "media/g711.h"

namespace keyline::media {

constexpr std::size_t kFrameSamples = 160;  // 20 ms at 8 kHz: samples and RTP units

class FrameList {
 public:
  explicit FrameList(std::size_t frame_bytes = kFrameSamples) : frame_bytes_(frame_bytes) {}

  std::size_t frame_bytes() const { return frame_bytes_; }
  std::size_t size() const { return frame_bytes_ ? bytes_.size() / frame_bytes_ : 0; }
  bool empty() const { return bytes_.empty(); }
  std::span<const std::uint8_t> operator[](std::size_t i) const {
    return std::span<const std::uint8_t>(bytes_).subspan(i * frame_bytes_, frame_bytes_);
  }
  std::span<std::uint8_t> operator[](std::size_t i) {
    return std::span<std::uint8_t>(bytes_).subspan(i * frame_bytes_, frame_bytes_);
  }
  std::span<const std::uint8_t> front() const { return (*this)[0]; }
  void reserve(std::size_t frames) { bytes_.reserve(frames * frame_bytes_); }
  // Appends one frame filled with `fill` and returns it for writing.
  std::span<std::uint8_t> append(std::uint8_t fill);
  // Appends a copy of `frame`: cut or zero-padded to frame_bytes().
  void push_back(std::span<const std::uint8_t> frame);

 private:
  std::size_t frame_bytes_;
  std::vector<std::uint8_t> bytes_;
};

struct EncodedPrompt {
  Codec codec = Codec::kPcmu;
  // The last frame is padded with silence (G.711: 0xFF / 0xD5; G.722: the
  // encoding of zero samples).
  FrameList frames;
};

// pcm8k must already be 8 kHz mono; empty input gives no frames. G.722 is
// encoded from 8 kHz audio (lower sub-band only: prompts are rendered at
// 8 kHz). Only a failed allocation in the G.722 encoder gives no frames for
// non-empty input.
EncodedPrompt encode_prompt(Codec codec, std::span<const std::int16_t> pcm8k);
inline EncodedPrompt encode_prompt(G711 law, std::span<const std::int16_t> pcm8k) {
  return encode_prompt(codec_of(law), pcm8k);
}

}  // namespace keyline::media
