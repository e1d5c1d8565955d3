// An event loop on a thread of its own, for work that may block (database reads and writes,
// periodic reloads) and so must not run on a worker's loop. Post work to loop(); results go
// back to the caller's loop with that loop's post().
#pragma once

#include <memory>
#include <thread>

#include "base/result.h"
#include "io/event_loop.h"

namespace keyline::io {

class LoopThread {
 public:
  static Result<std::unique_ptr<LoopThread>> start();
  // Runs everything posted before destruction began, then stops and joins; timers still
  // pending are dropped.
  ~LoopThread();
  LoopThread(const LoopThread&) = delete;
  LoopThread& operator=(const LoopThread&) = delete;

  EventLoop& loop() { return *loop_; }

 private:
  explicit LoopThread(std::unique_ptr<EventLoop> loop);

  std::unique_ptr<EventLoop> loop_;
  std::thread thread_;
};

}  // namespace keyline::io
