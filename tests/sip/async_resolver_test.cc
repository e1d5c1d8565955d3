// The asynchronous resolver on a real event loop with canned DNS answers: the look-up runs on
// the resolver's thread (the source sees another thread than the loop's), the result comes back
// through the loop, in order, and destroying the resolver with look-ups queued neither blocks
// nor reports them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "io/event_loop.h"
#include "sip/async_resolver.h"
#include "sip/dns_message.h"

namespace keyline::sip::testing {
namespace {

class ThreadCheckingDns final : public DnsSource {
 public:
  explicit ThreadCheckingDns(std::thread::id loop_thread) : loop_thread_(loop_thread) {}
  Result<std::string> query(const std::string& name, DnsType type) override {
    if (std::this_thread::get_id() == loop_thread_) on_loop_thread = true;
    DnsRecord r;
    r.name = name;
    r.ttl = 60;
    if (type == DnsType::kA && name == "pbx.test") {
      r.type = DnsType::kA;
      r.address = "192.0.2.77";
      return build_dns_answer(name, type, {r});
    }
    return build_dns_answer(name, type, {}, 3);
  }
  static inline std::atomic<bool> on_loop_thread{false};

 private:
  std::thread::id loop_thread_;
};

TEST(AsyncSipResolver, LooksUpOffTheLoopAndAnswersOnIt) {
  auto loop = io::EventLoop::create();
  ASSERT_TRUE(loop);
  ThreadCheckingDns::on_loop_thread = false;
  std::vector<std::string> got;
  bool answered_on_loop = true;
  const auto loop_thread = std::this_thread::get_id();
  {
    AsyncSipResolver resolver(**loop, std::make_unique<ThreadCheckingDns>(loop_thread));
    for (const char* text : {"sip:a@pbx.test", "sip:b@nowhere.test", "sip:c@pbx.test:5080"}) {
      resolver.resolve(parse_uri(text).value(), [&](std::vector<SipTarget> targets) {
        if (std::this_thread::get_id() != loop_thread) answered_on_loop = false;
        got.push_back(targets.empty() ? "none" : targets[0].endpoint.to_string());
        if (got.size() == 3) (*loop)->stop();
      });
    }
    // A generous bound for a loaded machine; the answers come in well under it.
    (*loop)->add_timer(Millis(60000), [&] { (*loop)->stop(); });
    (*loop)->run();
  }
  EXPECT_EQ(got, (std::vector<std::string>{"192.0.2.77:5060", "none", "192.0.2.77:5080"}));
  EXPECT_TRUE(answered_on_loop);
  EXPECT_FALSE(ThreadCheckingDns::on_loop_thread);
}

TEST(AsyncSipResolver, DestroyedWithLookUpsQueuedReportsNothing) {
  auto loop = io::EventLoop::create();
  ASSERT_TRUE(loop);
  int reported = 0;
  {
    AsyncSipResolver resolver(**loop,
                              std::make_unique<ThreadCheckingDns>(std::this_thread::get_id()));
    for (int i = 0; i < 50; ++i)
      resolver.resolve(parse_uri("sip:x@pbx.test").value(),
                       [&](std::vector<SipTarget>) { ++reported; });
  }
  // Whatever was posted before the destructor may still run; nothing after it. Run the loop
  // briefly and check the count never grows once it is drained.
  (*loop)->add_timer(Millis(200), [&] { (*loop)->stop(); });
  (*loop)->run();
  const int after_drain = reported;
  (*loop)->add_timer(Millis(200), [&] { (*loop)->stop(); });
  (*loop)->run();
  EXPECT_EQ(reported, after_drain);
  EXPECT_LE(reported, 50);
}

}  // namespace
}  // namespace keyline::sip::testing
