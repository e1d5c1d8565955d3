#include "io/udp_socket.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "io/datagram_batch.h"

namespace keyline::io {
namespace {

constexpr std::size_t kMaxDatagram = 65536;

Result<int> open_bound(const Endpoint& local, bool reuse_port) {
  int fd = ::socket(local.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return make_error("io", std::string("socket: ") + std::strerror(errno));
  int one = 1;
  if (reuse_port && ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) < 0) {
    int err = errno;
    ::close(fd);
    return make_error("io", std::string("SO_REUSEPORT: ") + std::strerror(err));
  }
  if (::bind(fd, local.sockaddr_ptr(), local.sockaddr_len()) < 0) {
    int err = errno;
    ::close(fd);
    return make_error("io", "bind " + local.to_string() + ": " + std::strerror(err));
  }
  return fd;
}

Endpoint local_of(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  return Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
}

}  // namespace

Result<std::unique_ptr<UdpSocket>> UdpSocket::bind(EventLoop& loop, const Endpoint& local,
                                                   Receiver receiver, bool reuse_port) {
  auto fd = open_bound(local, reuse_port);
  if (!fd) return fd.error();
  std::unique_ptr<UdpSocket> sock(new UdpSocket(loop, *fd, local_of(*fd), std::move(receiver)));
  auto added = loop.add_fd(*fd, EPOLLIN, [raw = sock.get()](std::uint32_t) { raw->on_readable(); });
  if (!added) return added.error();
  return sock;
}

std::size_t UdpSocket::set_receive_buffer(std::size_t bytes) {
  const int asked = static_cast<int>(std::min<std::size_t>(bytes, 1u << 30));
  if (::setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &asked, sizeof asked) < 0)
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &asked, sizeof asked);
  int granted = 0;
  socklen_t len = sizeof granted;
  if (::getsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &granted, &len) < 0) return 0;
  return static_cast<std::size_t>(granted);
}

Result<std::unique_ptr<UdpSocket>> UdpSocket::bind_in_range(EventLoop& loop,
                                                            const std::string& host,
                                                            std::uint16_t low, std::uint16_t high,
                                                            bool even_only, Receiver receiver) {
  Error last = make_error("io", "empty port range");
  for (std::uint32_t port = low; port <= high; ++port) {
    if (even_only && port % 2 != 0) continue;
    auto ep = Endpoint::parse(host, static_cast<std::uint16_t>(port));
    if (!ep) return ep.error();
    auto sock = bind(loop, *ep, receiver);
    if (sock) return sock;
    last = sock.error();
  }
  return make_error("io", "no free port in " + std::to_string(low) + "-" + std::to_string(high) +
                              ": " + last.message);
}

UdpSocket::UdpSocket(EventLoop& loop, int fd, Endpoint local, Receiver receiver)
    : loop_(loop), fd_(fd), local_(std::move(local)), receiver_(std::move(receiver)) {}

UdpSocket::~UdpSocket() {
  if (DatagramBatch* batch = batched_ ? loop_.datagram_batch_if_enabled() : nullptr) {
    batch->cancel_reads(this);
    batch->submit_sends();  // what it queued leaves before the descriptor closes
  }
  loop_.remove_fd(fd_);
  ::close(fd_);
}

bool UdpSocket::send_to(std::span<const std::uint8_t> data, const Endpoint& to) {
  if (DatagramBatch* batch = batched_ ? loop_.datagram_batch() : nullptr)
    if (batch->queue_send(fd_, data, to)) return true;
  ssize_t n =
      ::sendto(fd_, data.data(), data.size(), MSG_NOSIGNAL, to.sockaddr_ptr(), to.sockaddr_len());
  return n == static_cast<ssize_t>(data.size());
}

void UdpSocket::set_batch_reads(std::size_t count) {
  batch_ = std::clamp<std::size_t>(count, 1, 64);
  batch_buffer_.assign(batch_ > 1 ? batch_ * kMaxDatagram : 0, 0);
}

void UdpSocket::read_batch() {
  mmsghdr messages[64];
  iovec iovs[64];
  sockaddr_storage froms[64];
  for (std::size_t i = 0; i < batch_; ++i) {
    iovs[i] = iovec{batch_buffer_.data() + i * kMaxDatagram, kMaxDatagram};
    messages[i] = mmsghdr{};
    messages[i].msg_hdr.msg_iov = &iovs[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &froms[i];
    messages[i].msg_hdr.msg_namelen = sizeof froms[i];
  }
  const int n = ::recvmmsg(fd_, messages, static_cast<unsigned>(batch_), MSG_DONTWAIT, nullptr);
  std::weak_ptr<bool> alive = alive_;
  for (int i = 0; i < n; ++i) {
    receiver_(std::span<const std::uint8_t>(static_cast<const std::uint8_t*>(iovs[i].iov_base),
                                            messages[i].msg_len),
              Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&froms[i]),
                                      messages[i].msg_hdr.msg_namelen));
    if (alive.expired()) return;
  }
}

void UdpSocket::deliver(void* self, std::span<const std::uint8_t> datagram, const Endpoint& from) {
  static_cast<UdpSocket*>(self)->receiver_(datagram, from);
}

void UdpSocket::on_readable() {
  if (batch_ > 1) return read_batch();
  if (DatagramBatch* batch = batched_ ? loop_.datagram_batch() : nullptr)
    if (batch->queue_read(fd_, this, &UdpSocket::deliver)) return;
  // One datagram per wake-up. The loop is level-triggered, so anything still
  // queued wakes us again on the next epoll_wait, interleaved fairly with the
  // other sockets. Reading on until EAGAIN would cost a second recvfrom per
  // packet for RTP, where a socket gets one packet every 20 ms — the dearest
  // part of a call's media on a virtual machine.
  std::uint8_t buffer[65536];
  sockaddr_storage from{};
  socklen_t from_len = sizeof from;
  ssize_t n =
      ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &from_len);
  if (n < 0) return;
  receiver_(std::span<const std::uint8_t>(buffer, static_cast<std::size_t>(n)),
            Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from), from_len));
}

}  // namespace keyline::io
