// One event loop per worker thread: epoll for sockets, an ordered timer set,
// and a thread-safe post() so blocking work done elsewhere (TTS, database)
// reports back to the thread that owns the call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

struct epoll_event;

namespace keyline::io {

class DatagramBatch;
using TimerId = std::uint64_t;

class EventLoop {
 public:
  using FdHandler = std::function<void(std::uint32_t epoll_events)>;

  static Result<std::unique_ptr<EventLoop>> create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Watches fd for EPOLLIN (and EPOLLOUT when asked). Removing an fd from
  // inside its own handler is safe: handlers are released after dispatch.
  Status add_fd(int fd, std::uint32_t events, FdHandler handler);
  Status modify_fd(int fd, std::uint32_t events);
  void remove_fd(int fd);

  TimerId add_timer(Millis delay, std::function<void()> callback);
  // Fires every period at fixed absolute times (no drift), until cancelled.
  TimerId add_periodic(Millis period, std::function<void()> callback);
  void cancel_timer(TimerId id);

  // Thread-safe: runs callback on the loop thread.
  void post(std::function<void()> callback);

  // Batches the sends and reads of the UDP sockets that opt in (UdpSocket::set_batched) into
  // one io_uring submission per turn of the loop (io/datagram_batch.h). Fails where the kernel
  // refuses io_uring; the loop then works as before, one system call per datagram.
  Status enable_datagram_batch();
  // The batch while run() runs (sockets used outside it, as tests do, make their own calls);
  // null otherwise or when not enabled.
  DatagramBatch* datagram_batch() const { return running_ ? batch_.get() : nullptr; }
  // A socket that closes withdraws its queued reads and sends its queued datagrams.
  DatagramBatch* datagram_batch_if_enabled() const { return batch_.get(); }
  // Hands the datagrams queued so far to the kernel now rather than at the end of the turn.
  void submit_datagrams();

  void run();   // until stop(); can be called again afterwards
  void stop();  // thread-safe
  SteadyTime now() const { return std::chrono::steady_clock::now(); }
  // Inside a timer's callback: the time it was due, so a periodic callback can
  // measure how late the loop ran it (the media tick's pacing figure).
  SteadyTime running_timer_due() const { return running_timer_due_; }

 private:
  EventLoop(int epoll_fd, int wake_fd);
  void run_due_timers();
  void drain_posted();
  // How long epoll may wait: until the next timer is due, at most a second.
  std::chrono::nanoseconds next_timeout() const;
  // epoll_pwait2 wakes the loop at a timer's due time to the microsecond; epoll_wait's whole
  // milliseconds would run a 2 ms media phase up to a millisecond late. Kernels before 5.11
  // (or a seccomp filter) refuse it, and the loop falls back.
  int wait_for_events(::epoll_event* events, int max_events);

  struct Timer {
    std::function<void()> callback;
    Millis period{0};
    SteadyTime due;
  };

  int epoll_fd_;
  int wake_fd_;
  std::unique_ptr<DatagramBatch> batch_;
  bool running_ = false;
  bool precise_wait_refused_ = false;
  std::atomic<bool> stopping_{false};
  std::unordered_map<int, std::shared_ptr<FdHandler>> handlers_;
  std::multimap<SteadyTime, TimerId> timer_queue_;
  std::unordered_map<TimerId, Timer> timers_;
  TimerId next_timer_id_ = 1;
  SteadyTime running_timer_due_{};
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
};

}  // namespace keyline::io
