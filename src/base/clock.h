// Time as a dependency: protocol engines take a Clock so tests can inject time.
#pragma once

#include <chrono>

namespace keyline {

using SteadyTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual SteadyTime now() const = 0;
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
};

class SystemClock final : public Clock {
 public:
  SteadyTime now() const override { return std::chrono::steady_clock::now(); }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::now();
  }
};

// A clock that moves only when told to.
class ManualClock final : public Clock {
 public:
  SteadyTime now() const override { return steady_; }
  std::chrono::system_clock::time_point wall_now() const override { return wall_; }
  void advance(Millis d) {
    steady_ += d;
    wall_ += d;
  }
  void set_wall(std::chrono::system_clock::time_point t) { wall_ = t; }

 private:
  SteadyTime steady_{};
  std::chrono::system_clock::time_point wall_{};
};

}  // namespace keyline
