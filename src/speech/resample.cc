#include "speech/resample.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>

namespace keyline::speech {
namespace {

// Zero crossings of the sinc kept on each side, at the lower of the two rates:
// 16 gives a stopband around -70 dB with the Blackman window, ample for
// telephone audio, at a few hundred multiply-adds per output sample.
constexpr double kZeroCrossings = 16.0;
// Cut-off as a fraction of the lower Nyquist frequency: leaves a transition
// band so that what remains above Nyquist is attenuated, not just halved.
constexpr double kCutoff = 0.9;
// Largest per-phase tap table kept (doubles): 22.05 -> 8 kHz needs 160
// phases x 101 taps; rates with no small common divisor compute taps as
// they go instead.
constexpr std::int64_t kMaxTableEntries = 1 << 18;

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

// The filter's weight for an input sample `d` input samples from the output
// position.
double tap(double band, double half_width, double d) {
  return band * sinc(band * d) * window(d / half_width);
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

  // Output n sits at t = n * from / to input samples (exact, from integers,
  // so long inputs do not drift). The fractional part of t repeats every
  // `phases` outputs, so the taps are computed once per phase instead of
  // per output: the sin/cos calls, not the multiply-adds, were the cost.
  // Offsets -reach..reach cover |t - k| < half_width; the window zeroes the
  // rest, so this is the same sum as filtering each output from scratch.
  const std::int64_t g = std::gcd(from_rate, to_rate);
  const std::int64_t phases = to_rate / g;
  const auto reach = static_cast<std::int64_t>(std::floor(half_width)) + 1;
  const std::int64_t taps = 2 * reach + 1;
  const bool tabled = phases * taps <= kMaxTableEntries;  // else: taps computed as needed
  std::vector<double> table;
  if (tabled) {
    table.resize(static_cast<std::size_t>(phases * taps));
    for (std::int64_t p = 0; p < phases; ++p)
      for (std::int64_t j = -reach; j <= reach; ++j)
        table[static_cast<std::size_t>(p * taps + j + reach)] =
            tap(band, half_width, static_cast<double>(p) / static_cast<double>(phases) - j);
  }

  std::vector<std::int16_t> out(static_cast<std::size_t>(n_out));
  for (std::int64_t n = 0; n < n_out; ++n) {
    const std::int64_t base = n * from_rate / to_rate;
    const std::int64_t p = (n * from_rate % to_rate) / g;
    const double frac = static_cast<double>(p) / static_cast<double>(phases);
    const std::int64_t first = std::max(-reach, -base);
    const std::int64_t last = std::min(reach, n_in - 1 - base);
    double acc = 0.0;
    for (std::int64_t j = first; j <= last; ++j) {
      const double w = tabled ? table[static_cast<std::size_t>(p * taps + j + reach)]
                              : tap(band, half_width, frac - static_cast<double>(j));
      acc += in[static_cast<std::size_t>(base + j)] * w;
    }
    out[static_cast<std::size_t>(n)] =
        static_cast<std::int16_t>(std::clamp(std::lround(acc), -32768L, 32767L));
  }
  return out;
}

}  // namespace keyline::speech
