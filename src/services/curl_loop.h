// Internal to services (only its .cc files include it): a libcurl multi handle driven by an
// io::EventLoop through curl's "multi_socket" API — curl's sockets are watched by the loop
// and its timer is a loop timer, so transfers never block the worker. Finished transfers are
// reported to `on_done` after curl has finished walking its own lists. The SMTP client uses
// it; HttpClient drives its multi handle the same way in http_client.cc.
#pragma once

#include <curl/curl.h>

#include <cstdint>
#include <functional>
#include <map>

#include "io/event_loop.h"

namespace keyline::services {

class CurlLoop {
 public:
  using DoneHandler = std::function<void(CURL* easy, CURLcode code)>;

  // Null when curl cannot be initialised.
  static std::unique_ptr<CurlLoop> create(io::EventLoop& loop, DoneHandler on_done);
  ~CurlLoop();  // removes nothing from curl: remove every easy handle first
  CurlLoop(const CurlLoop&) = delete;
  CurlLoop& operator=(const CurlLoop&) = delete;

  bool add(CURL* easy);
  void remove(CURL* easy);
  io::EventLoop& loop() { return loop_; }

 private:
  CurlLoop(io::EventLoop& loop, DoneHandler on_done) : loop_(loop), on_done_(std::move(on_done)) {}
  static int on_socket(CURL*, curl_socket_t fd, int what, void* user, void*);
  static int on_timer(CURLM*, long timeout_ms, void* user);
  void on_ready(int fd, std::uint32_t ready);
  void collect_done();

  io::EventLoop& loop_;
  DoneHandler on_done_;
  CURLM* multi_ = nullptr;
  io::TimerId timer_ = 0;
  std::map<int, std::uint32_t> watched_;  // fd -> epoll events registered with the loop
};

// curl_global_init, once per process (libcurl's design); false when it failed.
bool curl_ready();

}  // namespace keyline::services
