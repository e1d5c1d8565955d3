// TimerService on an io::EventLoop: the production adapter.
#pragma once

#include <utility>

#include "io/event_loop.h"
#include "sip/timer_service.h"

namespace keyline::sip {

class LoopTimerService final : public TimerService {
 public:
  explicit LoopTimerService(io::EventLoop& loop) : loop_(loop) {}

  TimerHandle schedule(Millis delay, std::function<void()> callback) override {
    return loop_.add_timer(delay, std::move(callback));
  }
  void cancel(TimerHandle handle) override {
    if (handle != 0) loop_.cancel_timer(handle);
  }

 private:
  io::EventLoop& loop_;
};

}  // namespace keyline::sip
