// 3xx to our INVITEs through the real user agent and transaction layer (fake clock, recording
// sink): Contacts followed in q order, each a new INVITE transaction in the same call; the next
// target after a failure; no loops; at most five redirects; through an outbound proxy the
// proxy stays the next hop.
#include <gtest/gtest.h>

#include <optional>

#include "base/ids.h"
#include "base/log.h"
#include "sip/user_agent.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

class RedirectTest : public ::testing::Test {
 protected:
  RedirectTest() {
    UserAgent::Handlers h;
    h.on_answered = [this](CallHandle, const Message&) { ++answered; };
    h.on_ended = [this](CallHandle, EndReason r, int status) {
      ended.push_back(r);
      ended_status = status;
    };
    UaConfig config;
    config.t1 = ms(10);
    config.t2 = ms(40);
    config.t4 = ms(50);
    ua = std::make_unique<UserAgent>(clock, sink, LocalAddress{"192.0.2.9", 5060}, config,
                                     std::move(h), logger, ids);
  }

  // The INVITE just sent (and where it went); other sends (ACKs of 3xx) are dropped.
  Message take_invite(Peer* to = nullptr) {
    std::optional<Message> invite;
    for (auto& s : sink.sent) {
      Message m = parse_or_die(s.bytes);
      if (m.is_request() && m.method == "INVITE") {
        invite = m;
        if (to) *to = s.to;
      }
    }
    sink.sent.clear();
    EXPECT_TRUE(invite.has_value());
    return invite.value_or(Message{});
  }
  void respond(const Message& invite, int status, const std::vector<std::string>& contacts = {}) {
    Message r = make_response(invite, status, {}, "far" + std::to_string(status));
    for (auto& c : contacts) r.add_header("Contact", c);
    ua->on_message(parse_or_die(r.serialize()), udp_peer());
  }

  FakeTimerService clock;
  RecordingSink sink{clock};
  Logger logger{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids{13};
  std::unique_ptr<UserAgent> ua;
  int answered = 0;
  std::vector<EndReason> ended;
  int ended_status = -1;
};

TEST_F(RedirectTest, ContactsAreTriedInQOrderUntilOneAnswers) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  Message first = take_invite();
  respond(first, 302,
          {"<sip:a@192.0.2.5:5070>;q=0.5", "<sip:b@192.0.2.6>;q=0.9", "<tel:+15550100>"});
  Peer to;
  Message second = take_invite(&to);
  EXPECT_EQ(second.request_uri, "sip:b@192.0.2.6");
  EXPECT_EQ(to.endpoint.to_string(), "192.0.2.6:5060");
  EXPECT_EQ(second.header("Call-ID"), first.header("Call-ID"));
  EXPECT_EQ(second.header("From"), first.header("From"));
  EXPECT_EQ(second.header("CSeq"), "2 INVITE");
  EXPECT_NE(second.header("Via"), first.header("Via"));  // a new branch: a new transaction
  EXPECT_EQ(second.body, first.body);
  respond(second, 486);  // busy there: the next Contact
  Message third = take_invite(&to);
  EXPECT_EQ(third.request_uri, "sip:a@192.0.2.5:5070");
  EXPECT_EQ(to.endpoint.to_string(), "192.0.2.5:5070");
  EXPECT_EQ(third.header("CSeq"), "3 INVITE");
  respond(third, 200, {"<sip:a@192.0.2.5:5070>"});
  EXPECT_EQ(answered, 1);
  EXPECT_TRUE(ended.empty());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"ACK"}));
}

TEST_F(RedirectTest, ARedirectBackToATargetTriedIsNotFollowed) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  Message first = take_invite();
  respond(first, 302, {"<sip:b@192.0.2.6>"});
  Message second = take_invite();
  respond(second, 301, {"<sip:100@192.0.2.1:5060>", "<sip:b@192.0.2.6>"});
  clock.advance(ms(0));
  for (auto& m : sink.take()) EXPECT_NE(m.method, "INVITE");
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kFailed}));
  EXPECT_EQ(ended_status, 301);
}

TEST_F(RedirectTest, AtMostFiveRedirects) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  Message invite = take_invite();
  for (int i = 0; i < 5; ++i) {
    respond(invite, 302, {"<sip:hop" + std::to_string(i) + "@192.0.2.7>"});
    invite = take_invite();
    EXPECT_EQ(invite.request_uri, "sip:hop" + std::to_string(i) + "@192.0.2.7");
  }
  respond(invite, 302, {"<sip:hop9@192.0.2.7>"});
  clock.advance(ms(0));
  for (auto& m : sink.take()) EXPECT_NE(m.method, "INVITE");
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kFailed}));
  EXPECT_EQ(ended_status, 302);
}

TEST_F(RedirectTest, GlobalFailureEndsTheAttemptAndAProxyStaysTheNextHop) {
  Peer proxy{TransportKind::kUdp, *io::Endpoint::parse("192.0.2.50", 5080), {}};
  auto handle = ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", proxy, "v=0\r\n");
  ASSERT_TRUE(handle);
  Message first = take_invite();
  respond(first, 302, {"<sip:b@192.0.2.6>", "<sip:c@192.0.2.8>;q=0.1"});
  Peer to;
  Message second = take_invite(&to);
  EXPECT_EQ(second.request_uri, "sip:b@192.0.2.6");
  EXPECT_EQ(to.endpoint.to_string(), "192.0.2.50:5080");
  respond(second, 603);  // decline everywhere: c is not tried
  clock.advance(ms(0));
  for (auto& m : sink.take()) EXPECT_NE(m.method, "INVITE");
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kFailed}));
  EXPECT_EQ(ended_status, 603);
}

TEST_F(RedirectTest, AFailureWithoutRedirectEndsAsBefore) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  respond(take_invite(), 486);
  clock.advance(ms(0));
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kFailed}));
  EXPECT_EQ(ended_status, 486);
}

}  // namespace
}  // namespace keyline::sip::testing
