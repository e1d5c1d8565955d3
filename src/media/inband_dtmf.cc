#include "media/inband_dtmf.h"

#include <spandsp.h>

#include <algorithm>

namespace keyline::media {
namespace {

constexpr std::size_t kMaxKeysPerCall = 8;

}  // namespace

struct InbandDtmfDetector::State {
  dtmf_rx_state_t* s = nullptr;
  ~State() {
    if (s) dtmf_rx_free(s);
  }
};

Result<std::unique_ptr<InbandDtmfDetector>> InbandDtmfDetector::create() {
  auto state = std::make_unique<State>();
  // No callback: spandsp queues the keys and feed() collects them, so no
  // C callback ever calls back into this object.
  state->s = dtmf_rx_init(nullptr, nullptr, nullptr);
  if (!state->s) return make_error("media", "cannot allocate a DTMF detector");
  // spandsp's defaults pass the Bellcore/Mitel receiver tests: the low
  // group may be up to 8 dB louder than the high group, the high group up to
  // 4 dB louder, each tone down to about -42 dBm0. They are kept (-1 / -99
  // leave a parameter unchanged); dial tone filtering stays off, since a
  // caller keying digits is not hearing dial tone from us.
  dtmf_rx_parms(state->s, 0, -1, -1, -99);
  return std::unique_ptr<InbandDtmfDetector>(new InbandDtmfDetector(std::move(state)));
}

InbandDtmfDetector::InbandDtmfDetector(std::unique_ptr<State> state) : state_(std::move(state)) {}
InbandDtmfDetector::~InbandDtmfDetector() = default;

std::size_t InbandDtmfDetector::feed(std::span<const std::int16_t> pcm8k, std::span<char> keys) {
  if (!pcm8k.empty()) dtmf_rx(state_->s, pcm8k.data(), static_cast<int>(pcm8k.size()));
  // dtmf_rx_get writes a terminating NUL after the keys it returns, so it
  // gets a buffer of our own with room for it.
  char buffer[kMaxKeysPerCall + 1];
  std::size_t want = std::min(keys.size(), kMaxKeysPerCall);
  if (want == 0) return 0;
  std::size_t n = dtmf_rx_get(state_->s, buffer, static_cast<int>(want));
  n = std::min(n, want);
  std::copy_n(buffer, n, keys.begin());
  return n;
}

void InbandDtmfDetector::fill_in(std::size_t samples) {
  dtmf_rx_fillin(state_->s, static_cast<int>(samples));
}

char InbandDtmfDetector::tone_status() const {
  return static_cast<char>(dtmf_rx_status(state_->s));
}

}  // namespace keyline::media
