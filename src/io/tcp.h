// Non-blocking TCP listener and connections registered with an EventLoop.
// Stream framing belongs to the protocol above; a connection only buffers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "io/endpoint.h"
#include "io/event_loop.h"
#include "io/stream.h"

namespace keyline::io {

class TcpConnection final : public Stream {
 public:
  static Result<std::shared_ptr<TcpConnection>> connect(EventLoop& loop, const Endpoint& remote);
  ~TcpConnection() override;

  void set_handlers(DataHandler on_data, CloseHandler on_close) override;
  bool send(std::string_view bytes) override;  // queues what the kernel does not take now
  void close() override;                       // idempotent; fires the close handler once
  const Endpoint& remote() const override { return remote_; }
  const Endpoint& local() const override { return local_; }
  bool open() const override { return fd_ >= 0; }

  // Used by TcpListener.
  static std::shared_ptr<TcpConnection> adopt(EventLoop& loop, int fd, Endpoint remote);

 private:
  TcpConnection(EventLoop& loop, int fd, Endpoint remote);
  void on_events(std::uint32_t events);
  void flush();

  EventLoop& loop_;
  int fd_;
  Endpoint remote_;
  Endpoint local_;
  std::string in_;
  std::string out_;
  DataHandler on_data_;
  CloseHandler on_close_;
  static constexpr std::size_t kMaxBuffered = 1 << 20;  // a peer that never reads is cut off
  static constexpr int kReadsPerWakeUp = 64;            // 1 MiB, then the next connection's turn
};

class TcpListener {
 public:
  using AcceptHandler = std::function<void(std::shared_ptr<TcpConnection>)>;
  // reuse_port (SO_REUSEPORT): several listeners, one per worker, share the address and the
  // kernel spreads new connections over them.
  static Result<std::unique_ptr<TcpListener>> listen(EventLoop& loop, const Endpoint& local,
                                                     AcceptHandler on_accept,
                                                     bool reuse_port = false);
  ~TcpListener();
  const Endpoint& local() const { return local_; }

 private:
  TcpListener(EventLoop& loop, int fd, Endpoint local, AcceptHandler on_accept);
  void on_readable();

  EventLoop& loop_;
  int fd_;
  Endpoint local_;
  AcceptHandler on_accept_;
};

}  // namespace keyline::io
