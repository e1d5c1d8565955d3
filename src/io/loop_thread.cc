#include "io/loop_thread.h"

namespace keyline::io {

Result<std::unique_ptr<LoopThread>> LoopThread::start() {
  auto loop = EventLoop::create();
  if (!loop) return loop.error();
  return std::unique_ptr<LoopThread>(new LoopThread(std::move(*loop)));
}

LoopThread::LoopThread(std::unique_ptr<EventLoop> loop)
    : loop_(std::move(loop)), thread_([this] { loop_->run(); }) {}

LoopThread::~LoopThread() {
  // Posted work runs in order, so the stop comes after everything posted before it.
  EventLoop* loop = loop_.get();
  loop->post([loop] { loop->stop(); });
  thread_.join();
}

}  // namespace keyline::io
