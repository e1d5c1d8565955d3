// A non-blocking UDP socket registered with an EventLoop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "base/result.h"
#include "io/endpoint.h"
#include "io/event_loop.h"

namespace keyline::io {

class UdpSocket {
 public:
  using Receiver = std::function<void(std::span<const std::uint8_t> datagram, const Endpoint& from)>;

  // Binds local (port 0 = any free port) and starts delivering datagrams. With reuse_port
  // (SO_REUSEPORT) several sockets share the address and the kernel spreads datagrams over
  // them by source: one per worker thread.
  static Result<std::unique_ptr<UdpSocket>> bind(EventLoop& loop, const Endpoint& local,
                                                 Receiver receiver, bool reuse_port = false);
  // Binds the first free port in [low, high] (even ports only when even_only:
  // RTP convention, RTCP on port+1).
  static Result<std::unique_ptr<UdpSocket>> bind_in_range(EventLoop& loop, const std::string& host,
                                                          std::uint16_t low, std::uint16_t high,
                                                          bool even_only, Receiver receiver);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  const Endpoint& local() const { return local_; }
  bool send_to(std::span<const std::uint8_t> data, const Endpoint& to);

 private:
  UdpSocket(EventLoop& loop, int fd, Endpoint local, Receiver receiver);
  void on_readable();

  EventLoop& loop_;
  int fd_;
  Endpoint local_;
  Receiver receiver_;
};

}  // namespace keyline::io
