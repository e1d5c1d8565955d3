#include "media/dtmf_tone.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace keyline::media {
namespace {

constexpr double kRows[4] = {697, 770, 852, 941};
constexpr double kColumns[4] = {1209, 1336, 1477, 1633};
constexpr char kKeys[4][4] = {
    {'1', '2', '3', 'A'}, {'4', '5', '6', 'B'}, {'7', '8', '9', 'C'}, {'*', '0', '#', 'D'}};
constexpr double kMaxSineDbm0 = 3.14;
// A few ms of rise and fall: a hard-edged burst splatters energy across the
// band, which real keypads do not do and which detectors may reject.
constexpr double kRampMs = 3.0;

}  // namespace

std::optional<std::pair<double, double>> dtmf_frequencies(char digit) {
  if (digit >= 'a' && digit <= 'd') digit = static_cast<char>(digit - 'a' + 'A');
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 4; ++c)
      if (kKeys[r][c] == digit) return std::make_pair(kRows[r], kColumns[c]);
  return std::nullopt;
}

double sine_amplitude(double dbm0) { return 32767.0 * std::pow(10.0, (dbm0 - kMaxSineDbm0) / 20); }

bool append_dtmf_tone(char digit, const DtmfToneSpec& spec, std::vector<std::int16_t>& out) {
  auto freqs = dtmf_frequencies(digit);
  if (!freqs || spec.sample_rate <= 0) return false;
  const double rate = spec.sample_rate;
  const double a_low = sine_amplitude(spec.low_dbm0);
  const double a_high = sine_amplitude(spec.low_dbm0 + spec.twist_db);
  const std::size_t on = static_cast<std::size_t>(spec.on_ms * rate / 1000);
  const std::size_t off = static_cast<std::size_t>(std::max(0, spec.off_ms) * rate / 1000);
  const double ramp = std::max(1.0, kRampMs * rate / 1000);
  const double w_low = 2 * std::numbers::pi * freqs->first / rate;
  const double w_high = 2 * std::numbers::pi * freqs->second / rate;
  out.reserve(out.size() + on + off);
  for (std::size_t i = 0; i < on; ++i) {
    double t = static_cast<double>(i);
    double envelope = std::min({1.0, (t + 1) / ramp, static_cast<double>(on - i) / ramp});
    double v = envelope * (a_low * std::sin(w_low * t) + a_high * std::sin(w_high * t));
    out.push_back(static_cast<std::int16_t>(std::clamp(std::lround(v), -32768L, 32767L)));
  }
  out.insert(out.end(), off, 0);
  return true;
}

}  // namespace keyline::media
