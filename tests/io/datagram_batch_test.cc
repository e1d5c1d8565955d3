#include "io/datagram_batch.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "io/event_loop.h"
#include "io/udp_socket.h"

namespace keyline::io {
namespace {

Endpoint loopback_any() { return *Endpoint::parse("127.0.0.1", 0); }

// A plain non-blocking socket the test reads by hand.
struct RawSocket {
  int fd = -1;
  Endpoint local;
  RawSocket() {
    fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const Endpoint any = loopback_any();
    ::bind(fd, any.sockaddr_ptr(), any.sockaddr_len());
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    local = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len);
  }
  ~RawSocket() { ::close(fd); }
  // The next datagram and its sender, or nothing when none is queued.
  std::optional<std::pair<std::vector<std::uint8_t>, Endpoint>> read() const {
    std::uint8_t buffer[4096];
    sockaddr_storage from{};
    socklen_t len = sizeof from;
    const ssize_t n =
        ::recvfrom(fd, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &len);
    if (n < 0) return std::nullopt;
    return std::make_pair(std::vector<std::uint8_t>(buffer, buffer + n),
                          Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from), len));
  }
  void send_to(const Endpoint& to, std::vector<std::uint8_t> bytes) const {
    ::sendto(fd, bytes.data(), bytes.size(), 0, to.sockaddr_ptr(), to.sockaddr_len());
  }
};

// Collects what one read delivered.
struct Delivered {
  std::vector<std::vector<std::uint8_t>> datagrams;
  std::vector<Endpoint> senders;
  static void done(void* self, std::span<const std::uint8_t> datagram, const Endpoint& from) {
    auto* d = static_cast<Delivered*>(self);
    d->datagrams.emplace_back(datagram.begin(), datagram.end());
    d->senders.push_back(from);
  }
};

// The kernel may refuse io_uring (kernel.io_uring_disabled, a container's seccomp filter):
// the tests of the batch itself are then skipped, and reported as skipped; the loop's tests
// below check the fallback.
#define MAKE_BATCH_OR_SKIP(batch)                                               \
  auto made = DatagramBatch::create();                                          \
  if (!made) GTEST_SKIP() << "io_uring refused here: " << made.error().message; \
  std::unique_ptr<DatagramBatch> batch = std::move(*made)

TEST(DatagramBatch, QueuedSendsFromManySocketsLeaveTogetherWithTheirOwnSourcePorts) {
  MAKE_BATCH_OR_SKIP(batch);
  std::vector<std::unique_ptr<RawSocket>> from, to;
  for (int i = 0; i < 50; ++i) {
    from.push_back(std::make_unique<RawSocket>());
    to.push_back(std::make_unique<RawSocket>());
  }
  for (int i = 0; i < 50; ++i) {
    std::vector<std::uint8_t> bytes(160, static_cast<std::uint8_t>(i));
    ASSERT_TRUE(batch->queue_send(from[i]->fd, bytes, to[i]->local));
  }
  // Queued, not sent: nothing has arrived before the submission.
  for (const auto& socket : to) EXPECT_FALSE(socket->read());
  EXPECT_FALSE(batch->idle());
  batch->flush();
  for (int i = 0; i < 50; ++i) {
    auto got = to[i]->read();
    ASSERT_TRUE(got) << "datagram " << i;
    EXPECT_EQ(got->first, std::vector<std::uint8_t>(160, static_cast<std::uint8_t>(i)));
    EXPECT_EQ(got->second, from[i]->local);
  }
  EXPECT_EQ(batch->send_errors(), 0u);
}

TEST(DatagramBatch, MoreSendsThanSlotsAreSubmittedAsTheSlotsFill) {
  MAKE_BATCH_OR_SKIP(batch);
  // Spread over several receivers: one socket's default buffer holds only a few hundred.
  RawSocket from;
  std::vector<std::unique_ptr<RawSocket>> to;
  for (int i = 0; i < 16; ++i) to.push_back(std::make_unique<RawSocket>());
  const int count = static_cast<int>(DatagramBatch::kSendSlots) + 100;
  int queued = 0;
  for (int i = 0; i < count; ++i) {
    std::vector<std::uint8_t> bytes{static_cast<std::uint8_t>(i & 0xFF),
                                    static_cast<std::uint8_t>(i >> 8)};
    if (batch->queue_send(from.fd, bytes, to[i % 16]->local)) ++queued;
  }
  EXPECT_EQ(queued, count);
  batch->flush();
  int received = 0;
  for (int r = 0; r < 16; ++r) {
    int expected = r;
    while (auto got = to[r]->read()) {
      ASSERT_EQ(got->first.size(), 2u);
      EXPECT_EQ(got->first[0] | (got->first[1] << 8), expected);  // in order
      expected += 16;
      ++received;
    }
  }
  EXPECT_EQ(received, count);
}

TEST(DatagramBatch, ASendTooBigForASlotIsLeftToTheCaller) {
  MAKE_BATCH_OR_SKIP(batch);
  RawSocket from, to;
  std::vector<std::uint8_t> big(DatagramBatch::kMaxSend + 1, 7);
  EXPECT_FALSE(batch->queue_send(from.fd, big, to.local));
  EXPECT_TRUE(batch->idle());
}

TEST(DatagramBatch, ReadsOfManySocketsAreDeliveredToTheirOwnersWithTheSender) {
  MAKE_BATCH_OR_SKIP(batch);
  RawSocket peer;
  std::vector<std::unique_ptr<RawSocket>> sockets;
  std::vector<Delivered> delivered(20);
  for (int i = 0; i < 20; ++i) {
    sockets.push_back(std::make_unique<RawSocket>());
    peer.send_to(sockets[i]->local, std::vector<std::uint8_t>(3, static_cast<std::uint8_t>(i)));
  }
  for (int i = 0; i < 20; ++i)
    ASSERT_TRUE(batch->queue_read(sockets[i]->fd, &delivered[i], &Delivered::done));
  batch->flush();
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(delivered[i].datagrams.size(), 1u) << "socket " << i;
    EXPECT_EQ(delivered[i].datagrams[0],
              std::vector<std::uint8_t>(3, static_cast<std::uint8_t>(i)));
    EXPECT_EQ(delivered[i].senders[0], peer.local);
  }
  EXPECT_TRUE(batch->idle());
}

TEST(DatagramBatch, AReadWithNothingToReadEndsAtOnceAndDeliversNothing) {
  MAKE_BATCH_OR_SKIP(batch);
  RawSocket quiet;
  Delivered delivered;
  ASSERT_TRUE(batch->queue_read(quiet.fd, &delivered, &Delivered::done));
  batch->flush();  // must not wait for a datagram that is not coming
  EXPECT_TRUE(delivered.datagrams.empty());
  // The socket still works afterwards.
  RawSocket peer;
  peer.send_to(quiet.local, {1, 2, 3});
  ASSERT_TRUE(batch->queue_read(quiet.fd, &delivered, &Delivered::done));
  batch->flush();
  ASSERT_EQ(delivered.datagrams.size(), 1u);
  EXPECT_EQ(delivered.datagrams[0], (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST(DatagramBatch, ACancelledReadIsNotDelivered) {
  MAKE_BATCH_OR_SKIP(batch);
  RawSocket socket, peer;
  peer.send_to(socket.local, {9});
  Delivered delivered;
  ASSERT_TRUE(batch->queue_read(socket.fd, &delivered, &Delivered::done));
  batch->cancel_reads(&delivered);
  batch->flush();
  EXPECT_TRUE(delivered.datagrams.empty());
  EXPECT_TRUE(socket.read());  // never read: still queued in the kernel
}

// Through the loop: sockets that opt in use the batch while the loop runs.
struct Pair {
  std::unique_ptr<UdpSocket> a, b;
  std::vector<std::vector<std::uint8_t>> at_b;
  std::vector<Endpoint> senders;
};

TEST(DatagramBatch, BatchedSocketsInALoopExchangeDatagramsWithOrWithoutIoUring) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  const bool enabled = static_cast<bool>((*loop)->enable_datagram_batch());
  std::vector<std::unique_ptr<Pair>> pairs;
  int received = 0;
  for (int i = 0; i < 100; ++i) {
    auto pair = std::make_unique<Pair>();
    Pair* raw = pair.get();
    auto a = UdpSocket::bind(**loop, loopback_any(), [](auto, const Endpoint&) {});
    auto b = UdpSocket::bind(**loop, loopback_any(),
                             [raw, &received](std::span<const std::uint8_t> d, const Endpoint& f) {
                               raw->at_b.emplace_back(d.begin(), d.end());
                               raw->senders.push_back(f);
                               ++received;
                             });
    ASSERT_TRUE(a && b);
    pair->a = std::move(*a);
    pair->b = std::move(*b);
    pair->a->set_batched(true);
    pair->b->set_batched(true);
    pairs.push_back(std::move(pair));
  }
  bool batch_seen = false;
  int rounds = 0;
  TimerId tick = 0;
  tick = (*loop)->add_periodic(Millis(5), [&] {
    batch_seen = batch_seen || (*loop)->datagram_batch() != nullptr;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      std::vector<std::uint8_t> bytes{static_cast<std::uint8_t>(i),
                                      static_cast<std::uint8_t>(rounds)};
      EXPECT_TRUE(pairs[i]->a->send_to(bytes, pairs[i]->b->local()));
    }
    if (++rounds == 3) {
      (*loop)->cancel_timer(tick);
      (*loop)->add_timer(Millis(100), [&] { (*loop)->stop(); });
    }
  });
  (*loop)->run();
  EXPECT_EQ(batch_seen, enabled);
  EXPECT_EQ((*loop)->datagram_batch(), nullptr);  // only while the loop runs
  EXPECT_EQ(received, 300);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    ASSERT_EQ(pairs[i]->at_b.size(), 3u) << "pair " << i;
    for (int r = 0; r < 3; ++r)
      EXPECT_EQ(pairs[i]->at_b[r], (std::vector<std::uint8_t>{static_cast<std::uint8_t>(i),
                                                              static_cast<std::uint8_t>(r)}));
    EXPECT_EQ(pairs[i]->senders[0], pairs[i]->a->local());
  }
}

TEST(DatagramBatch, AReceiverMayCloseAnotherSocketWhoseReadIsInTheSameBatch) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  (void)(*loop)->enable_datagram_batch();
  std::unique_ptr<UdpSocket> first, second;
  int deliveries = 0;
  // Whichever is delivered first closes the other, whose read is already queued.
  auto make = [&](std::unique_ptr<UdpSocket>& other) {
    return [&](std::span<const std::uint8_t>, const Endpoint&) {
      ++deliveries;
      other.reset();
      (*loop)->stop();
    };
  };
  auto a = UdpSocket::bind(**loop, loopback_any(), make(second));
  auto b = UdpSocket::bind(**loop, loopback_any(), make(first));
  ASSERT_TRUE(a && b);
  first = std::move(*a);
  second = std::move(*b);
  first->set_batched(true);
  second->set_batched(true);
  RawSocket peer;
  peer.send_to(first->local(), {1});
  peer.send_to(second->local(), {2});
  (*loop)->add_timer(Millis(2000), [&] { (*loop)->stop(); });
  (*loop)->run();
  EXPECT_EQ(deliveries, 1);
  EXPECT_TRUE(!first != !second);  // exactly one closed
}

TEST(DatagramBatch, ASocketClosedWithAQueuedSendStillSendsIt) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  (void)(*loop)->enable_datagram_batch();
  RawSocket peer;
  auto socket = UdpSocket::bind(**loop, loopback_any(), [](auto, const Endpoint&) {});
  ASSERT_TRUE(socket);
  (*socket)->set_batched(true);
  (*loop)->add_timer(Millis(1), [&] {
    EXPECT_TRUE((*socket)->send_to(std::vector<std::uint8_t>{4, 2}, peer.local));
    socket->reset();  // closed before the turn's submission
    (*loop)->stop();
  });
  (*loop)->run();
  auto got = peer.read();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->first, (std::vector<std::uint8_t>{4, 2}));
}

}  // namespace
}  // namespace keyline::io
