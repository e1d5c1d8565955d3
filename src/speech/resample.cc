#include "speech/resample.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace keyline::speech {
namespace {

// Zero crossings of the sinc kept on each side, at the lower of the two rates:
// 16 gives a stopband around -70 dB with the Blackman window, ample for
// telephone audio, at a few hundred multiply-adds per output sample.
constexpr double kZeroCrossings = 16.0;
// Cut-off as a fraction of the lower Nyquist frequency: leaves a transition
// band so that what remains above Nyquist is attenuated, not just halved.
constexpr double kCutoff = 0.9;

double sinc(double x) {
  if (std::abs(x) < 1e-9) return 1.0;
  const double px = std::numbers::pi * x;
  return std::sin(px) / px;
}

// Blackman window over [-1, 1].
double window(double x) {
  if (std::abs(x) >= 1.0) return 0.0;
  const double a = std::numbers::pi * (x + 1.0);
  return 0.42 - 0.5 * std::cos(a) + 0.08 * std::cos(2.0 * a);
}

}  // namespace

std::vector<std::int16_t> resample(std::span<const std::int16_t> in, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) return {};
  if (from_rate == to_rate) return {in.begin(), in.end()};

  // Filter bandwidth relative to the input rate (1.0 = input Nyquist).
  const double band = kCutoff * std::min(1.0, static_cast<double>(to_rate) / from_rate);
  const double half_width = kZeroCrossings / band;  // in input samples
  const auto n_in = static_cast<std::int64_t>(in.size());
  const std::int64_t n_out = (n_in * to_rate + from_rate / 2) / from_rate;

  std::vector<std::int16_t> out(static_cast<std::size_t>(n_out));
  for (std::int64_t n = 0; n < n_out; ++n) {
    // Exact position in the input, from integers so long inputs do not drift.
    const double t = static_cast<double>(n * from_rate) / to_rate;
    const auto first =
        std::max<std::int64_t>(0, static_cast<std::int64_t>(std::ceil(t - half_width)));
    const auto last =
        std::min<std::int64_t>(n_in - 1, static_cast<std::int64_t>(std::floor(t + half_width)));
    double acc = 0.0;
    for (std::int64_t k = first; k <= last; ++k) {
      const double d = t - static_cast<double>(k);
      acc += in[static_cast<std::size_t>(k)] * band * sinc(band * d) * window(d / half_width);
    }
    out[static_cast<std::size_t>(n)] =
        static_cast<std::int16_t>(std::clamp(std::lround(acc), -32768L, 32767L));
  }
  return out;
}

}  // namespace keyline::speech
