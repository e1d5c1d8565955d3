// What the test phone (`keyline call`, `keyline call --answer`) prints: each line stamped with
// the seconds since the phone started, and flushed at once, so a test reading the output sees
// each event as it happens.
#pragma once

#include <chrono>
#include <cstdio>
#include <ostream>
#include <string>

#include "base/result.h"

namespace keyline::server {

class PhoneTranscript {
 public:
  explicit PhoneTranscript(std::ostream& out)
      : out_(out), start_(std::chrono::steady_clock::now()) {}

  double now_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }

  void say(const std::string& line) {
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "%8.3f  ", now_s());
    out_ << stamp << line << "\n" << std::flush;
  }

  // Prints the error and gives the phone's exit status for it.
  int fail(const Error& e) {
    out_ << "error: " << e.message << "\n";
    return 1;
  }

  // For lines without a stamp: usage errors before the call, the closing summary.
  std::ostream& out() { return out_; }

 private:
  std::ostream& out_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace keyline::server
