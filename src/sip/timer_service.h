// Time as an injected dependency of the SIP engines. Transactions and the
// user agent only ask for "call me back after d"; the worker's event loop
// provides it in production (loop_timer_service.h) and tests use a clock
// they advance by hand, so retransmission schedules are checked exactly.
#pragma once

#include <cstdint>
#include <functional>

#include "base/clock.h"

namespace keyline::sip {

using TimerHandle = std::uint64_t;  // 0 is never a live timer

class TimerService {
 public:
  virtual ~TimerService() = default;
  // Runs `callback` once, `delay` from now. A zero delay still runs later,
  // never inside schedule(), so it doubles as "post to the next turn".
  virtual TimerHandle schedule(Millis delay, std::function<void()> callback) = 0;
  // No-op for 0, for fired and for already cancelled handles.
  virtual void cancel(TimerHandle handle) = 0;
};

}  // namespace keyline::sip
