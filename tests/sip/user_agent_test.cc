// Component test: two user agents, caller and callee, in one process on
// loopback sockets (real UDP/TCP), driven by one event loop.
#include "sip/user_agent.h"

#include <gtest/gtest.h>

#include <optional>

#include "base/ids.h"
#include "base/log.h"
#include "io/event_loop.h"
#include "sip/transport.h"

namespace keyline::sip {
namespace {

struct Side {
  std::unique_ptr<Transport> transport;
  std::unique_ptr<UserAgent> ua;
  std::vector<std::string> events;
  std::optional<CallHandle> incoming;
  std::optional<EndReason> ended;
  int ended_status = -1;
};

class UserAgentTest : public ::testing::TestWithParam<TransportKind> {
 protected:
  void SetUp() override {
    auto loop = io::EventLoop::create();
    ASSERT_TRUE(loop);
    loop_ = std::move(*loop);
    bool tcp = GetParam() == TransportKind::kTcp;
    make_side(callee_, "callee", tcp);
    make_side(caller_, "caller", tcp);
  }

  void make_side(Side& side, const std::string& user, bool tcp) {
    auto t = Transport::create(
        *loop_, TransportConfig{"127.0.0.1", 0, !tcp, tcp},
        [&side](Message m, const Peer& from) { side.ua->on_message(std::move(m), from); }, logger_);
    ASSERT_TRUE(t) << t.error().message;
    side.transport = std::move(*t);
    UserAgent::Handlers h;
    h.on_incoming = [&side](CallHandle c, const Message&, const Peer&) {
      side.incoming = c;
      side.events.push_back("incoming");
    };
    h.on_confirmed = [&side](CallHandle) { side.events.push_back("confirmed"); };
    h.on_provisional = [&side](CallHandle, const Message& r) {
      side.events.push_back(std::to_string(r.status));
    };
    h.on_answered = [&side](CallHandle, const Message& r) {
      side.events.push_back("answered:" + r.body);
    };
    h.on_ended = [&side](CallHandle, EndReason r, int status) {
      side.ended = r;
      side.ended_status = status;
      side.events.push_back("ended:" + std::string(end_reason_name(r)));
    };
    UaConfig config;
    config.contact_user = user;
    config.t1 = Millis(50);  // fast retransmissions keep the test short
    side.ua = std::make_unique<UserAgent>(*loop_, *side.transport, config, std::move(h), logger_,
                                          ids_);
  }

  CallHandle dial() {
    auto peer_ep = io::Endpoint::parse("127.0.0.1", callee_.transport->port());
    Peer peer{GetParam(), *peer_ep, {}};
    auto h = caller_.ua->invite("sip:100@127.0.0.1:" + std::to_string(callee_.transport->port()),
                                "sip:caller@127.0.0.1", peer, "v=0\r\n");
    EXPECT_TRUE(h);
    return *h;
  }

  // Runs the loop until `done` or a generous deadline.
  void run_until(const std::function<bool()>& done, int ms = 5000) {
    auto deadline = std::chrono::steady_clock::now() + Millis(ms);
    io::TimerId poll = loop_->add_periodic(Millis(5), [&] {
      if (done() || std::chrono::steady_clock::now() > deadline) loop_->stop();
    });
    loop_->run();
    loop_->cancel_timer(poll);
  }

  Logger logger_{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids_{42};
  std::unique_ptr<io::EventLoop> loop_;
  Side callee_;
  Side caller_;
};

TEST_P(UserAgentTest, AnswerThenCallerHangsUp) {
  CallHandle call = dial();
  run_until([&] { return callee_.incoming.has_value(); });
  ASSERT_TRUE(callee_.incoming);
  callee_.ua->answer(*callee_.incoming, "v=0 answer\r\n");
  run_until([&] {
    return caller_.events.size() >= 2 && !callee_.events.empty() &&
           callee_.events.back() == "confirmed";
  });
  EXPECT_NE(std::find(caller_.events.begin(), caller_.events.end(), "100"), caller_.events.end());
  EXPECT_EQ(caller_.events.back(), "answered:v=0 answer\r\n");
  EXPECT_EQ(callee_.events.back(), "confirmed");
  caller_.ua->hangup(call);
  run_until([&] { return callee_.ended && caller_.ended; });
  EXPECT_EQ(callee_.ended, EndReason::kRemoteBye);
  EXPECT_EQ(caller_.ended, EndReason::kLocalBye);
}

TEST_P(UserAgentTest, CalleeHangsUpWithBye) {
  dial();
  run_until([&] { return callee_.incoming.has_value(); });
  ASSERT_TRUE(callee_.incoming);
  callee_.ua->answer(*callee_.incoming, "v=0\r\n");
  run_until([&] { return !callee_.events.empty() && callee_.events.back() == "confirmed"; });
  callee_.ua->hangup(*callee_.incoming);
  run_until([&] { return callee_.ended && caller_.ended; });
  EXPECT_EQ(caller_.ended, EndReason::kRemoteBye);
  EXPECT_EQ(callee_.ended, EndReason::kLocalBye);
}

TEST_P(UserAgentTest, CancelBeforeAnswerGets487) {
  CallHandle call = dial();
  run_until([&] { return callee_.incoming.has_value(); });
  ASSERT_TRUE(callee_.incoming);
  callee_.ua->ringing(*callee_.incoming);
  run_until([&] {
    return std::find(caller_.events.begin(), caller_.events.end(), "180") != caller_.events.end();
  });
  caller_.ua->hangup(call);  // before answer: CANCEL
  run_until([&] { return callee_.ended && caller_.ended; });
  EXPECT_EQ(callee_.ended, EndReason::kCancelled);
  EXPECT_EQ(caller_.ended, EndReason::kCancelled);
  EXPECT_EQ(caller_.ended_status, 487);
  // A late answer attempt must not resurrect the call.
  callee_.ua->answer(*callee_.incoming, "v=0\r\n");
  EXPECT_EQ(callee_.ua->active_calls(), 0u);
}

TEST_P(UserAgentTest, RejectIsReportedToTheCaller) {
  dial();
  run_until([&] { return callee_.incoming.has_value(); });
  ASSERT_TRUE(callee_.incoming);
  callee_.ua->reject(*callee_.incoming, 486);
  run_until([&] { return caller_.ended.has_value() && callee_.ended.has_value(); });
  EXPECT_EQ(caller_.ended, EndReason::kFailed);
  EXPECT_EQ(caller_.ended_status, 486);
  EXPECT_EQ(callee_.ended, EndReason::kRejected);
}

INSTANTIATE_TEST_SUITE_P(Transports, UserAgentTest,
                         ::testing::Values(TransportKind::kUdp, TransportKind::kTcp),
                         [](const auto& info) {
                           return info.param == TransportKind::kUdp ? "Udp" : "Tcp";
                         });

}  // namespace
}  // namespace keyline::sip
