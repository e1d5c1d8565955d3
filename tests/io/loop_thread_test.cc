#include "io/loop_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <thread>
#include <vector>

#include "io/udp_socket.h"

namespace keyline::io {
namespace {

TEST(LoopThread, RunsPostedWorkInOrderOnItsOwnThread) {
  auto thread = LoopThread::start();
  ASSERT_TRUE(thread);
  std::vector<int> order;
  std::promise<std::thread::id> ran_on;
  for (int i = 0; i < 100; ++i) (*thread)->loop().post([&order, i] { order.push_back(i); });
  (*thread)->loop().post([&] { ran_on.set_value(std::this_thread::get_id()); });
  EXPECT_NE(ran_on.get_future().get(), std::this_thread::get_id());
  thread->reset();  // joined: order is safe to read
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[i], i);
}

TEST(LoopThread, DestructionRunsWhatWasPostedBeforeIt) {
  auto thread = LoopThread::start();
  ASSERT_TRUE(thread);
  std::atomic<int> done{0};
  // The first task blocks the thread, so the rest are still queued when destruction begins.
  std::promise<void> release;
  auto released = release.get_future().share();
  (*thread)->loop().post([released] { released.wait(); });
  for (int i = 0; i < 10; ++i) (*thread)->loop().post([&done] { ++done; });
  std::thread destroyer([&] { thread->reset(); });
  release.set_value();
  destroyer.join();
  EXPECT_EQ(done.load(), 10);
}

TEST(LoopThread, TimersAddedOnItsLoopFire) {
  auto thread = LoopThread::start();
  ASSERT_TRUE(thread);
  std::promise<void> fired;
  EventLoop& loop = (*thread)->loop();
  loop.post([&] { loop.add_timer(Millis(5), [&] { fired.set_value(); }); });
  EXPECT_EQ(fired.get_future().wait_for(std::chrono::seconds(30)), std::future_status::ready);
}

std::size_t rmem_max() {
  std::ifstream in("/proc/sys/net/core/rmem_max");
  std::size_t value = 0;
  in >> value;
  return value;
}

TEST(UdpSocket, ReceiveBufferGrowsAsAskedUpToWhatTheKernelAllows) {
  auto loop = EventLoop::create();  // never run: only the socket's options are under test
  ASSERT_TRUE(loop);
  auto any = Endpoint::parse("127.0.0.1", 0);
  ASSERT_TRUE(any);
  auto sock = UdpSocket::bind(**loop, *any, [](auto, auto&) {});
  ASSERT_TRUE(sock);
  const std::size_t before = (*sock)->set_receive_buffer(0);  // the kernel's floor
  const std::size_t asked = 4u << 20;
  const std::size_t granted = (*sock)->set_receive_buffer(asked);
  // The kernel reports twice what it was asked (its bookkeeping); without CAP_NET_ADMIN it caps
  // the request at rmem_max. Either way the buffer is no smaller than that bound.
  EXPECT_GT(granted, before);
  if (const std::size_t cap = rmem_max(); cap > 0) {
    EXPECT_GE(granted, 2 * std::min(asked, cap));
  }
  // Asking for less shrinks it again: the call sets, it does not only grow.
  EXPECT_LT((*sock)->set_receive_buffer(8 * 1024), granted);
}

}  // namespace
}  // namespace keyline::io
