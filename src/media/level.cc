#include "media/level.h"

#include <cmath>
#include <limits>

namespace keyline::media {

double rms_dbfs(std::span<const std::int16_t> pcm) {
  double sum = 0.0;
  for (std::int16_t s : pcm) sum += static_cast<double>(s) * s;
  if (sum == 0.0) return -std::numeric_limits<double>::infinity();
  const double rms = std::sqrt(sum / static_cast<double>(pcm.size()));
  return 20.0 * std::log10(rms / 32768.0);
}

}  // namespace keyline::media
