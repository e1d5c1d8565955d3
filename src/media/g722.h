// G.722 (64 kbit/s sub-band ADPCM) through spandsp: g722.cc is the only file
// that includes spandsp's G.722 code. ADPCM carries state from one sample to
// the next, so every direction of a stream (and every encoded prompt) owns
// its own encoder or decoder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/result.h"

namespace keyline::media {

// The sample rate of the linear side. k16000 is real wideband; k8000 feeds
// or returns only the lower sub-band (0-4 kHz) at 8 kHz - what the 8 kHz
// parts of Keyline (prompts, the DTMF detector, recordings) need, without a
// resampler on the per-packet path.
enum class G722Rate { k8000, k16000 };

class G722Encoder {
 public:
  static Result<std::unique_ptr<G722Encoder>> create(G722Rate rate);
  ~G722Encoder();
  G722Encoder(const G722Encoder&) = delete;
  G722Encoder& operator=(const G722Encoder&) = delete;

  // Returns the bytes written: one per sample at 8 kHz, one per two samples
  // at 16 kHz. Input that would overflow `out` is not encoded.
  std::size_t encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out);

 private:
  struct State;
  G722Encoder(std::unique_ptr<State> state, G722Rate rate);
  std::unique_ptr<State> state_;
  G722Rate rate_;
};

class G722Decoder {
 public:
  static Result<std::unique_ptr<G722Decoder>> create(G722Rate rate);
  ~G722Decoder();
  G722Decoder(const G722Decoder&) = delete;
  G722Decoder& operator=(const G722Decoder&) = delete;

  // Returns the samples written: one per byte at 8 kHz, two at 16 kHz. Bytes
  // that would overflow `out` are not decoded.
  std::size_t decode(std::span<const std::uint8_t> data, std::span<std::int16_t> out);

 private:
  struct State;
  G722Decoder(std::unique_ptr<State> state, G722Rate rate);
  std::unique_ptr<State> state_;
  G722Rate rate_;
};

}  // namespace keyline::media
