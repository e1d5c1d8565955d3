#include "media/g722.h"

#include <spandsp.h>

#include <algorithm>

namespace keyline::media {
namespace {

constexpr int kBitRate = 64000;  // the RTP payload format (RFC 3551 4.5.2)

int options_for(G722Rate rate) { return rate == G722Rate::k8000 ? G722_SAMPLE_RATE_8000 : 0; }
std::size_t samples_per_byte(G722Rate rate) { return rate == G722Rate::k8000 ? 1 : 2; }

}  // namespace

struct G722Encoder::State {
  g722_encode_state_t* s = nullptr;
  ~State() {
    if (s) g722_encode_free(s);
  }
};

struct G722Decoder::State {
  g722_decode_state_t* s = nullptr;
  ~State() {
    if (s) g722_decode_free(s);
  }
};

Result<std::unique_ptr<G722Encoder>> G722Encoder::create(G722Rate rate) {
  auto state = std::make_unique<State>();
  state->s = g722_encode_init(nullptr, kBitRate, options_for(rate));
  if (!state->s) return make_error("media", "cannot allocate a G.722 encoder");
  return std::unique_ptr<G722Encoder>(new G722Encoder(std::move(state), rate));
}

G722Encoder::G722Encoder(std::unique_ptr<State> state, G722Rate rate)
    : state_(std::move(state)), rate_(rate) {}
G722Encoder::~G722Encoder() = default;

std::size_t G722Encoder::encode(std::span<const std::int16_t> pcm, std::span<std::uint8_t> out) {
  const std::size_t per_byte = samples_per_byte(rate_);
  // Whole samples pairs only at 16 kHz: an odd trailing sample is dropped.
  std::size_t samples = std::min(pcm.size() / per_byte, out.size()) * per_byte;
  if (samples == 0) return 0;
  int n = g722_encode(state_->s, out.data(), pcm.data(), static_cast<int>(samples));
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

Result<std::unique_ptr<G722Decoder>> G722Decoder::create(G722Rate rate) {
  auto state = std::make_unique<State>();
  state->s = g722_decode_init(nullptr, kBitRate, options_for(rate));
  if (!state->s) return make_error("media", "cannot allocate a G.722 decoder");
  return std::unique_ptr<G722Decoder>(new G722Decoder(std::move(state), rate));
}

G722Decoder::G722Decoder(std::unique_ptr<State> state, G722Rate rate)
    : state_(std::move(state)), rate_(rate) {}
G722Decoder::~G722Decoder() = default;

std::size_t G722Decoder::decode(std::span<const std::uint8_t> data, std::span<std::int16_t> out) {
  std::size_t bytes = std::min(data.size(), out.size() / samples_per_byte(rate_));
  if (bytes == 0) return 0;
  int n = g722_decode(state_->s, out.data(), data.data(), static_cast<int>(bytes));
  return n > 0 ? static_cast<std::size_t>(n) : 0;
}

}  // namespace keyline::media
