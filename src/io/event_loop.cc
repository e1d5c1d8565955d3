#include "io/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/datagram_batch.h"

namespace keyline::io {

Result<std::unique_ptr<EventLoop>> EventLoop::create() {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) return make_error("io", std::string("epoll_create1: ") + std::strerror(errno));
  int wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake < 0) {
    ::close(ep);
    return make_error("io", std::string("eventfd: ") + std::strerror(errno));
  }
  std::unique_ptr<EventLoop> loop(new EventLoop(ep, wake));
  auto added = loop->add_fd(wake, EPOLLIN, [raw = loop.get()](std::uint32_t) {
    std::uint64_t value;
    while (::read(raw->wake_fd_, &value, sizeof value) > 0) {
    }
    raw->drain_posted();
  });
  if (!added) return added.error();
  return loop;
}

EventLoop::EventLoop(int epoll_fd, int wake_fd) : epoll_fd_(epoll_fd), wake_fd_(wake_fd) {}

EventLoop::~EventLoop() {
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

Status EventLoop::add_fd(int fd, std::uint32_t events, FdHandler handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) < 0)
    return make_error("io", std::string("epoll_ctl add: ") + std::strerror(errno));
  handlers_[fd] = std::make_shared<FdHandler>(std::move(handler));
  return Ok{};
}

Status EventLoop::modify_fd(int fd, std::uint32_t events) {
  epoll_event ev{};
  ev.events = events;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) < 0)
    return make_error("io", std::string("epoll_ctl mod: ") + std::strerror(errno));
  return Ok{};
}

void EventLoop::remove_fd(int fd) {
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  handlers_.erase(fd);
}

TimerId EventLoop::add_timer(Millis delay, std::function<void()> callback) {
  TimerId id = next_timer_id_++;
  SteadyTime due = now() + delay;
  timers_[id] = Timer{std::move(callback), Millis{0}, due};
  timer_queue_.emplace(due, id);
  return id;
}

TimerId EventLoop::add_periodic(Millis period, std::function<void()> callback) {
  TimerId id = next_timer_id_++;
  SteadyTime due = now() + period;
  timers_[id] = Timer{std::move(callback), period, due};
  timer_queue_.emplace(due, id);
  return id;
}

void EventLoop::cancel_timer(TimerId id) { timers_.erase(id); }

void EventLoop::post(std::function<void()> callback) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(callback));
  }
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

void EventLoop::stop() {
  stopping_ = true;
  std::uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(wake_fd_, &one, sizeof one);
}

Status EventLoop::enable_datagram_batch() {
  if (batch_) return Ok{};
  auto batch = DatagramBatch::create();
  if (!batch) return batch.error();
  batch_ = std::move(*batch);
  return Ok{};
}

void EventLoop::submit_datagrams() {
  if (batch_) batch_->submit_sends();
}

void EventLoop::drain_posted() {
  std::vector<std::function<void()>> batch;
  {
    std::lock_guard lock(posted_mutex_);
    batch.swap(posted_);
  }
  for (auto& fn : batch) fn();
}

std::chrono::nanoseconds EventLoop::next_timeout() const {
  constexpr std::chrono::nanoseconds kLongest = std::chrono::seconds(1);
  if (timer_queue_.empty()) return kLongest;
  auto wait = timer_queue_.begin()->first - now();
  if (wait <= wait.zero()) return std::chrono::nanoseconds::zero();
  return std::min<std::chrono::nanoseconds>(wait, kLongest);
}

int EventLoop::wait_for_events(epoll_event* events, int max_events) {
  const std::chrono::nanoseconds timeout = next_timeout();
  if (!precise_wait_refused_) {
    timespec wait{};
    wait.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
    wait.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
    int n = epoll_pwait2(epoll_fd_, events, max_events, &wait, nullptr);
    if (n >= 0 || (errno != ENOSYS && errno != EPERM)) return n;
    precise_wait_refused_ = true;
  }
  // Whole milliseconds, rounded up so a timer is never run early.
  const auto ms = std::chrono::ceil<Millis>(timeout).count();
  return epoll_wait(epoll_fd_, events, max_events, static_cast<int>(ms));
}

void EventLoop::run_due_timers() {
  SteadyTime t = now();
  while (!timer_queue_.empty() && timer_queue_.begin()->first <= t) {
    auto [due, id] = *timer_queue_.begin();
    timer_queue_.erase(timer_queue_.begin());
    auto it = timers_.find(id);
    if (it == timers_.end() || it->second.due != due) continue;  // cancelled
    running_timer_due_ = due;
    if (it->second.period.count() > 0) {
      Timer& timer = it->second;
      timer.due += timer.period;
      // Fell a period or more behind: skip to the next due time on the same grid rather than
      // burst, and rather than restart the grid from now — the media tick's phases are laid on
      // this grid, and a shifted grid would run each of them late from then on.
      if (timer.due < t) timer.due += ((t - timer.due) / timer.period + 1) * timer.period;
      timer_queue_.emplace(timer.due, id);
      auto callback = timer.callback;  // the callback may cancel its own timer
      callback();
    } else {
      auto callback = std::move(it->second.callback);
      timers_.erase(it);
      callback();
    }
  }
}

void EventLoop::run() {
  // As many as a batch reads in one submission.
  constexpr int kMaxEvents = 128;
  epoll_event events[kMaxEvents];
  running_ = true;
  while (!stopping_) {
    int n = wait_for_events(events, kMaxEvents);
    if (n < 0 && errno != EINTR) break;
    for (int i = 0; i < n; ++i) {
      auto it = handlers_.find(events[i].data.fd);
      if (it == handlers_.end()) continue;
      std::shared_ptr<FdHandler> handler = it->second;  // survives remove_fd inside itself
      (*handler)(events[i].events);
      if (stopping_) break;
    }
    // The reads the handlers queued, and what their receivers sent, then the timers' sends
    // (the media tick's packets): a submission each.
    if (batch_) batch_->flush();
    run_due_timers();
    if (batch_) batch_->flush();
  }
  drain_posted();
  if (batch_) batch_->flush();
  running_ = false;
  stopping_ = false;  // the loop may be run again (tests drive it in steps)
}

}  // namespace keyline::io
