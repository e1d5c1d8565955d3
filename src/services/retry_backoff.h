// How long to wait before retrying a delivery that failed (the post-call web service's
// queue): exponential backoff, capped, with jitter so that many calls that failed together
// (a web service that was down) do not all come back in the same instant when it returns.
// Pure: the random draw is passed in, so tests see exact values.
#pragma once

#include <chrono>

namespace keyline::services {

struct BackoffSettings {
  std::chrono::milliseconds initial{1000};  // before the first retry (before jitter)
  std::chrono::milliseconds max{300000};    // the cap (5 min): no wait is longer
  double multiplier = 2.0;                  // each failure multiplies the wait
  // The share of the wait that is random: 0.5 waits between half and all of it ("equal
  // jitter"), so a retry never comes much sooner than the backoff says.
  double jitter = 0.5;
};

// The wait after `failures` failed attempts (1 for the first failure). `random01` is a draw in
// [0, 1). Never less than 1 ms, never more than settings.max.
std::chrono::milliseconds retry_delay(const BackoffSettings& settings, int failures,
                                      double random01);

}  // namespace keyline::services
