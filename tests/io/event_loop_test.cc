#include "io/event_loop.h"

#include <gtest/gtest.h>

#include <thread>

#include "io/tcp.h"
#include "io/udp_socket.h"

namespace keyline::io {
namespace {

TEST(EventLoop, TimersFireInOrderAndCancelWorks) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  std::vector<int> order;
  (*loop)->add_timer(Millis(30), [&] { order.push_back(2); });
  (*loop)->add_timer(Millis(10), [&] { order.push_back(1); });
  auto cancelled = (*loop)->add_timer(Millis(20), [&] { order.push_back(99); });
  (*loop)->cancel_timer(cancelled);
  (*loop)->add_timer(Millis(50), [&] { (*loop)->stop(); });
  (*loop)->run();
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(EventLoop, PeriodicTimerRepeatsUntilCancelled) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  int ticks = 0;
  TimerId id = 0;
  id = (*loop)->add_periodic(Millis(5), [&] {
    if (++ticks == 3) {
      (*loop)->cancel_timer(id);
      (*loop)->add_timer(Millis(20), [&] { (*loop)->stop(); });
    }
  });
  (*loop)->run();
  EXPECT_EQ(ticks, 3);
}

TEST(EventLoop, TimerCallbackSeesTheTimeItWasDue) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  const SteadyTime added = (*loop)->now();
  std::vector<SteadyTime> dues;
  std::vector<SteadyTime> ran;
  TimerId id = 0;
  id = (*loop)->add_periodic(Millis(10), [&] {
    dues.push_back((*loop)->running_timer_due());
    ran.push_back((*loop)->now());
    if (dues.size() == 3) {
      (*loop)->cancel_timer(id);
      (*loop)->stop();
    }
  });
  (*loop)->run();
  ASSERT_EQ(dues.size(), 3u);
  // Due at fixed steps from when it was added (a late run does not move the next due time
  // unless a whole period was missed), and never run before it was due.
  EXPECT_GE(dues[0], added + Millis(10));
  for (std::size_t i = 0; i < dues.size(); ++i) EXPECT_GE(ran[i], dues[i]);
  for (std::size_t i = 1; i < dues.size(); ++i) EXPECT_GE(dues[i] - dues[i - 1], Millis(10));
}

TEST(EventLoop, PeriodicTimerThatFellBehindStaysOnItsGrid) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  std::vector<SteadyTime> dues;
  TimerId id = 0;
  id = (*loop)->add_periodic(Millis(10), [&] {
    dues.push_back((*loop)->running_timer_due());
    // The first run takes two and a half periods: the runs due meanwhile are skipped.
    if (dues.size() == 1) std::this_thread::sleep_for(Millis(25));
    if (dues.size() == 3) {
      (*loop)->cancel_timer(id);
      (*loop)->stop();
    }
  });
  (*loop)->run();
  ASSERT_EQ(dues.size(), 3u);
  // The run due while the first one ran comes late; the one due at +20 ms, already past by
  // then, is skipped rather than run in a burst.
  EXPECT_GE(dues[2] - dues[0], Millis(30));
  for (std::size_t i = 1; i < dues.size(); ++i)
    EXPECT_EQ((dues[i] - dues[0]) % Millis(10), SteadyTime::duration::zero());
}

TEST(EventLoop, PostFromAnotherThreadRunsOnLoop) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  std::thread::id ran_on;
  std::thread poster([&] {
    (*loop)->post([&] {
      ran_on = std::this_thread::get_id();
      (*loop)->stop();
    });
  });
  (*loop)->run();
  poster.join();
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(UdpSocket, LoopbackDatagram) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto any = Endpoint::parse("127.0.0.1", 0);
  ASSERT_TRUE(any);
  std::string got;
  Endpoint from;
  auto rx = UdpSocket::bind(**loop, *any, [&](std::span<const std::uint8_t> d, const Endpoint& f) {
    got.assign(reinterpret_cast<const char*>(d.data()), d.size());
    from = f;
    (*loop)->stop();
  });
  ASSERT_TRUE(rx);
  auto tx = UdpSocket::bind(**loop, *any, [](auto, auto&) {});
  ASSERT_TRUE(tx);
  std::string msg = "hello";
  ASSERT_TRUE((*tx)->send_to(
      std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()),
      (*rx)->local()));
  (*loop)->add_timer(Millis(2000), [&] { (*loop)->stop(); });
  (*loop)->run();
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(from.port(), (*tx)->local().port());
}

TEST(UdpSocket, DeliversEveryQueuedDatagram) {
  // One datagram is read per wake-up; the rest must still arrive, in order.
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto any = Endpoint::parse("127.0.0.1", 0);
  ASSERT_TRUE(any);
  std::vector<std::string> got;
  auto rx = UdpSocket::bind(**loop, *any, [&](std::span<const std::uint8_t> d, const Endpoint&) {
    got.emplace_back(reinterpret_cast<const char*>(d.data()), d.size());
    if (got.size() == 20) (*loop)->stop();
  });
  ASSERT_TRUE(rx);
  auto tx = UdpSocket::bind(**loop, *any, [](auto, auto&) {});
  ASSERT_TRUE(tx);
  for (int i = 0; i < 20; ++i) {  // all queued before the loop first runs
    std::string msg = "packet " + std::to_string(i);
    ASSERT_TRUE((*tx)->send_to(std::span<const std::uint8_t>(
                                   reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()),
                               (*rx)->local()));
  }
  (*loop)->add_timer(Millis(5000), [&] { (*loop)->stop(); });
  (*loop)->run();
  ASSERT_EQ(got.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(got[i], "packet " + std::to_string(i));
}

TEST(UdpSocket, BatchedReadsDeliverEveryDatagramInOrderWithItsSender) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto any = Endpoint::parse("127.0.0.1", 0);
  ASSERT_TRUE(any);
  std::vector<std::string> got;
  std::vector<std::uint16_t> ports;
  auto rx = UdpSocket::bind(**loop, *any, [&](std::span<const std::uint8_t> d, const Endpoint& f) {
    got.emplace_back(reinterpret_cast<const char*>(d.data()), d.size());
    ports.push_back(f.port());
    if (got.size() == 50) (*loop)->stop();
  });
  ASSERT_TRUE(rx);
  (*rx)->set_batch_reads(16);
  auto tx1 = UdpSocket::bind(**loop, *any, [](auto, auto&) {});
  auto tx2 = UdpSocket::bind(**loop, *any, [](auto, auto&) {});
  ASSERT_TRUE(tx1 && tx2);
  for (int i = 0; i < 50; ++i) {  // more than three batches, queued before the loop runs
    std::string msg(static_cast<std::size_t>(100 + i * 37), static_cast<char>('a' + i % 26));
    auto& tx = i % 2 ? *tx2 : *tx1;
    ASSERT_TRUE(tx->send_to(std::span<const std::uint8_t>(
                                reinterpret_cast<const std::uint8_t*>(msg.data()), msg.size()),
                            (*rx)->local()));
  }
  (*loop)->add_timer(Millis(5000), [&] { (*loop)->stop(); });
  (*loop)->run();
  ASSERT_EQ(got.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(got[i],
              std::string(static_cast<std::size_t>(100 + i * 37), static_cast<char>('a' + i % 26)));
    EXPECT_EQ(ports[i], (i % 2 ? *tx2 : *tx1)->local().port());
  }
}

TEST(UdpSocket, ReceiverMayCloseTheSocketInTheMiddleOfABatch) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto any = Endpoint::parse("127.0.0.1", 0);
  ASSERT_TRUE(any);
  int delivered = 0;
  std::unique_ptr<UdpSocket> rx;
  auto bound = UdpSocket::bind(**loop, *any, [&](std::span<const std::uint8_t>, const Endpoint&) {
    ++delivered;
    rx.reset();  // closes the socket while the rest of the batch is in hand
    (*loop)->stop();
  });
  ASSERT_TRUE(bound);
  rx = std::move(*bound);
  rx->set_batch_reads(8);
  auto tx = UdpSocket::bind(**loop, *any, [](auto, auto&) {});
  ASSERT_TRUE(tx);
  const std::uint8_t byte = 1;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*tx)->send_to({&byte, 1}, rx->local()));
  (*loop)->add_timer(Millis(5000), [&] { (*loop)->stop(); });
  (*loop)->run();
  EXPECT_EQ(delivered, 1);
}

TEST(Tcp, AcceptReadAndEcho) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  auto any = Endpoint::parse("127.0.0.1", 0);
  std::vector<std::shared_ptr<TcpConnection>> accepted;
  auto listener = TcpListener::listen(**loop, *any, [&](std::shared_ptr<TcpConnection> c) {
    c->set_handlers(
        [](Stream& conn, std::string& buf) {
          conn.send("echo:" + buf);
          buf.clear();
        },
        nullptr);
    accepted.push_back(std::move(c));
  });
  ASSERT_TRUE(listener);
  auto client = TcpConnection::connect(**loop, (*listener)->local());
  ASSERT_TRUE(client);
  std::string reply;
  (*client)->set_handlers(
      [&](Stream&, std::string& buf) {
        reply += buf;
        buf.clear();
        if (reply.size() >= 7) (*loop)->stop();
      },
      nullptr);
  (*client)->send("ab");
  (*loop)->add_timer(Millis(2000), [&] { (*loop)->stop(); });
  (*loop)->run();
  EXPECT_EQ(reply, "echo:ab");
}

TEST(Endpoint, ParsesV4AndV6) {
  auto v4 = Endpoint::parse("10.1.2.3", 5060);
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->to_string(), "10.1.2.3:5060");
  auto v6 = Endpoint::parse("[::1]", 5062);
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->to_string(), "[::1]:5062");
  EXPECT_FALSE(Endpoint::parse("example.com", 1));
}

}  // namespace
}  // namespace keyline::io
