#include "services/curl_loop.h"

#include <sys/epoll.h>

#include <mutex>
#include <utility>
#include <vector>

namespace keyline::services {

bool curl_ready() {
  static std::once_flag once;
  static CURLcode global = CURLE_OK;
  std::call_once(once, [] { global = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return global == CURLE_OK;
}

std::unique_ptr<CurlLoop> CurlLoop::create(io::EventLoop& loop, DoneHandler on_done) {
  if (!curl_ready()) return nullptr;
  std::unique_ptr<CurlLoop> self(new CurlLoop(loop, std::move(on_done)));
  self->multi_ = curl_multi_init();
  if (!self->multi_) return nullptr;
  curl_multi_setopt(self->multi_, CURLMOPT_SOCKETFUNCTION, &CurlLoop::on_socket);
  curl_multi_setopt(self->multi_, CURLMOPT_SOCKETDATA, self.get());
  curl_multi_setopt(self->multi_, CURLMOPT_TIMERFUNCTION, &CurlLoop::on_timer);
  curl_multi_setopt(self->multi_, CURLMOPT_TIMERDATA, self.get());
  return self;
}

CurlLoop::~CurlLoop() {
  if (multi_) curl_multi_cleanup(multi_);
  for (const auto& [fd, events] : watched_) loop_.remove_fd(fd);
  if (timer_) loop_.cancel_timer(timer_);
}

bool CurlLoop::add(CURL* easy) { return curl_multi_add_handle(multi_, easy) == CURLM_OK; }

void CurlLoop::remove(CURL* easy) { curl_multi_remove_handle(multi_, easy); }

int CurlLoop::on_socket(CURL*, curl_socket_t fd, int what, void* user, void*) {
  auto* self = static_cast<CurlLoop*>(user);
  if (what == CURL_POLL_REMOVE) {
    if (self->watched_.erase(fd)) self->loop_.remove_fd(fd);
    return 0;
  }
  std::uint32_t events = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= EPOLLIN;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= EPOLLOUT;
  auto it = self->watched_.find(fd);
  if (it == self->watched_.end()) {
    auto added = self->loop_.add_fd(fd, events,
                                    [self, fd](std::uint32_t ready) { self->on_ready(fd, ready); });
    if (added) self->watched_[fd] = events;
    // If the loop refused the fd, curl's own timeout ends the transfer.
  } else if (it->second != events) {
    if (self->loop_.modify_fd(fd, events)) it->second = events;
  }
  return 0;
}

int CurlLoop::on_timer(CURLM*, long timeout_ms, void* user) {
  auto* self = static_cast<CurlLoop*>(user);
  if (self->timer_) self->loop_.cancel_timer(self->timer_);
  self->timer_ = 0;
  if (timeout_ms < 0) return 0;
  // Never call back into curl from inside this callback: a 0 ms timer runs on the next turn.
  self->timer_ = self->loop_.add_timer(Millis(timeout_ms), [self] {
    self->timer_ = 0;
    int running = 0;
    curl_multi_socket_action(self->multi_, CURL_SOCKET_TIMEOUT, 0, &running);
    self->collect_done();
  });
  return 0;
}

void CurlLoop::on_ready(int fd, std::uint32_t ready) {
  int mask = 0;
  if (ready & EPOLLIN) mask |= CURL_CSELECT_IN;
  if (ready & EPOLLOUT) mask |= CURL_CSELECT_OUT;
  if (ready & (EPOLLERR | EPOLLHUP)) mask |= CURL_CSELECT_ERR;
  int running = 0;
  curl_multi_socket_action(multi_, fd, mask, &running);
  collect_done();
}

void CurlLoop::collect_done() {
  std::vector<std::pair<CURL*, CURLcode>> done;
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
    if (msg->msg == CURLMSG_DONE) done.emplace_back(msg->easy_handle, msg->data.result);
  }
  // A handler may remove (and free) a later easy handle of this batch: it is then no longer
  // ours to report, which the owner's own bookkeeping tells it.
  for (auto& [easy, code] : done) on_done_(easy, code);
}

}  // namespace keyline::services
