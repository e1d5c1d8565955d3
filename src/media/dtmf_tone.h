// DTMF tone pairs (ITU-T Q.23 frequencies) as linear audio, our own small
// generator: the test phone keys in-band with it and the detector tests feed
// it at chosen levels and twists, so neither depends on the detector's
// library to make its input.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace keyline::media {

struct DtmfToneSpec {
  int on_ms = 100;         // tone length (Q.24 asks receivers to take >= 40 ms)
  int off_ms = 100;        // silence after the tone
  double low_dbm0 = -10;   // level of the low-group (row) tone
  double twist_db = 0;     // high-group level minus low-group level
  int sample_rate = 8000;  // 8000 or 16000
};

// (row Hz, column Hz) for 0-9 * # A-D (lower-case a-d too); nullopt otherwise.
std::optional<std::pair<double, double>> dtmf_frequencies(char digit);

// Peak amplitude of a sine at `dbm0`, on the G.711 scale where a full-scale
// sine is +3.14 dBm0 (ITU-T G.711; the scale spandsp uses too).
double sine_amplitude(double dbm0);

// Appends the tone and the silence after it to `out`; false (nothing added)
// for a key that is not a DTMF digit.
bool append_dtmf_tone(char digit, const DtmfToneSpec& spec, std::vector<std::int16_t>& out);

}  // namespace keyline::media
