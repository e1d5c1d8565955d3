// A non-blocking UDP socket registered with an EventLoop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "base/result.h"
#include "io/endpoint.h"
#include "io/event_loop.h"

namespace keyline::io {

class UdpSocket {
 public:
  using Receiver =
      std::function<void(std::span<const std::uint8_t> datagram, const Endpoint& from)>;

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
  // Asks for a kernel receive buffer of `bytes` (SO_RCVBUFFORCE where the process may, else
  // SO_RCVBUF, which net.core.rmem_max caps) and returns the size the kernel granted, as
  // it counts it (about twice the payload it holds). A bigger buffer rides out a burst
  // while the loop is busy instead of dropping datagrams.
  std::size_t set_receive_buffer(std::size_t bytes);
  // Reads up to `count` datagrams per wake-up with one recvmmsg(), for a socket that carries
  // many flows (SIP signalling), where a wake-up and a read per datagram would cost two system
  // calls each. The default, 1, suits RTP: one packet per socket every 20 ms.
  void set_batch_reads(std::size_t count);
  // Sends and reads through the loop's DatagramBatch when it has one (EventLoop::
  // enable_datagram_batch): a send is queued and leaves with the others at the end of the
  // loop's turn, a read is made with the others of the turn. For RTP and RTCP: one datagram
  // per socket at a time, many sockets per loop. Without a batch, nothing changes.
  void set_batched(bool batched) { batched_ = batched; }
  bool send_to(std::span<const std::uint8_t> data, const Endpoint& to);

 private:
  UdpSocket(EventLoop& loop, int fd, Endpoint local, Receiver receiver);
  void on_readable();
  void read_batch();
  static void deliver(void* self, std::span<const std::uint8_t> datagram, const Endpoint& from);

  EventLoop& loop_;
  int fd_;
  Endpoint local_;
  Receiver receiver_;
  std::size_t batch_ = 1;
  bool batched_ = false;
  std::vector<std::uint8_t> batch_buffer_;  // batch_ datagrams of up to 64 KiB each
  // Expires when the socket is destroyed: a receiver may close it in the middle of a batch.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::io
