#include "io/tcp.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keyline::io {
namespace {

Endpoint sock_name(int fd, bool peer) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (peer)
    ::getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  else
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

}  // namespace

std::shared_ptr<TcpConnection> TcpConnection::adopt(EventLoop& loop, int fd, Endpoint remote) {
  std::shared_ptr<TcpConnection> conn(new TcpConnection(loop, fd, std::move(remote)));
  std::weak_ptr<TcpConnection> weak = conn;
  auto added = loop.add_fd(fd, EPOLLIN | EPOLLRDHUP, [weak](std::uint32_t events) {
    if (auto self = weak.lock()) self->on_events(events);
  });
  if (!added) conn->close();
  return conn;
}

Result<std::shared_ptr<TcpConnection>> TcpConnection::connect(EventLoop& loop,
                                                              const Endpoint& remote) {
  int fd = ::socket(remote.family(), SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error("io", std::string("socket: ") + std::strerror(errno));
  // A blocking connect keeps this simple; it is used by the test phone and
  // for loopback peers, never on a worker's hot path.
  if (::connect(fd, remote.sockaddr_ptr(), remote.sockaddr_len()) < 0) {
    int err = errno;
    ::close(fd);
    return make_error("io", "connect " + remote.to_string() + ": " + std::strerror(err));
  }
  int flags = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &flags, sizeof flags);
  int fl = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, fl | O_NONBLOCK);
  return adopt(loop, fd, remote);
}

TcpConnection::TcpConnection(EventLoop& loop, int fd, Endpoint remote)
    : loop_(loop), fd_(fd), remote_(std::move(remote)), local_(sock_name(fd, false)) {}

TcpConnection::~TcpConnection() {
  if (fd_ >= 0) {
    loop_.remove_fd(fd_);
    ::close(fd_);
  }
}

void TcpConnection::set_handlers(DataHandler on_data, CloseHandler on_close) {
  on_data_ = std::move(on_data);
  on_close_ = std::move(on_close);
}

bool TcpConnection::send(std::string_view bytes) {
  if (fd_ < 0) return false;
  if (out_.size() + bytes.size() > kMaxBuffered) {
    close();
    return false;
  }
  out_.append(bytes);
  flush();
  return fd_ >= 0;
}

void TcpConnection::flush() {
  while (!out_.empty()) {
    ssize_t n = ::send(fd_, out_.data(), out_.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        (void)loop_.modify_fd(fd_, EPOLLIN | EPOLLOUT | EPOLLRDHUP);
        return;
      }
      close();
      return;
    }
    out_.erase(0, static_cast<std::size_t>(n));
  }
  (void)loop_.modify_fd(fd_, EPOLLIN | EPOLLRDHUP);
}

void TcpConnection::close() {
  if (fd_ < 0) return;
  loop_.remove_fd(fd_);
  ::close(fd_);
  fd_ = -1;
  auto keep = shared_from_this();  // the close handler may drop the last owner
  if (on_close_) {
    auto handler = std::move(on_close_);
    handler(*this);
  }
}

void TcpConnection::on_events(std::uint32_t events) {
  auto keep = shared_from_this();
  if (events & EPOLLOUT) flush();
  if (fd_ < 0) return;
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    // Each chunk goes to the handler as it is read, so the buffer holds at most one unfinished
    // message: a peer that sends faster than we read must not grow it to the limit (reading
    // until EAGAIN first would, and the connection would be dropped with every call on it).
    // The reads per wake-up are bounded too, so one busy connection cannot starve the others
    // on the loop; epoll reports what is left on the next turn.
    char buffer[16384];
    for (int reads = 0; reads < kReadsPerWakeUp; ++reads) {
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        in_.append(buffer, static_cast<std::size_t>(n));
        if (on_data_) on_data_(*this, in_);
        if (fd_ < 0) return;  // the handler closed it
        if (in_.size() > kMaxBuffered) {
          close();
          return;
        }
        continue;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
        if (on_data_ && !in_.empty()) on_data_(*this, in_);
        close();
        return;
      }
      break;
    }
  }
}

TcpListener::TcpListener(EventLoop& loop, int fd, Endpoint local, AcceptHandler on_accept)
    : loop_(loop), fd_(fd), local_(std::move(local)), on_accept_(std::move(on_accept)) {}

Result<std::unique_ptr<TcpListener>> TcpListener::listen(EventLoop& loop, const Endpoint& local,
                                                         AcceptHandler on_accept, bool reuse_port) {
  int fd = ::socket(local.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error("io", std::string("socket: ") + std::strerror(errno));
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    int err = errno;
    ::close(fd);
    return make_error("io", std::string("SO_REUSEPORT: ") + std::strerror(err));
  }
  if (::bind(fd, local.sockaddr_ptr(), local.sockaddr_len()) < 0 || ::listen(fd, 128) < 0) {
    int err = errno;
    ::close(fd);
    return make_error("io", "listen " + local.to_string() + ": " + std::strerror(err));
  }
  std::unique_ptr<TcpListener> listener(
      new TcpListener(loop, fd, sock_name(fd, false), std::move(on_accept)));
  auto added =
      loop.add_fd(fd, EPOLLIN, [raw = listener.get()](std::uint32_t) { raw->on_readable(); });
  if (!added) return added.error();
  return listener;
}

TcpListener::~TcpListener() {
  loop_.remove_fd(fd_);
  ::close(fd_);
}

void TcpListener::on_readable() {
  for (;;) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    on_accept_(TcpConnection::adopt(
        loop_, fd, Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len)));
  }
}

}  // namespace keyline::io
