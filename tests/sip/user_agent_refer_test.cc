// REFER from our side of an answered call (blind transfer, RFC 3515) against a scripted peer:
// the REFER's headers, 202 then NOTIFYs with message/sipfrag answered 200, a refused REFER,
// NOTIFYs for another event package (489), and REFER refused outside an established call.
#include <gtest/gtest.h>

#include <optional>

#include "base/ids.h"
#include "base/log.h"
#include "sip/user_agent.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

class UserAgentReferTest : public ::testing::Test {
 protected:
  UserAgentReferTest() {
    UserAgent::Handlers h;
    h.on_incoming = [this](CallHandle c, const Message&, const Peer&) { incoming = c; };
    h.on_refer = [this](CallHandle, const ReferEvent& e) {
      events.push_back((e.kind == ReferEvent::Kind::kResponse ? "response " : "notify ") +
                       std::to_string(e.status) + (e.final ? " final" : ""));
    };
    UaConfig config;
    config.t1 = ms(10);
    ua = std::make_unique<UserAgent>(clock, sink, LocalAddress{"192.0.2.9", 5060}, config,
                                     std::move(h), logger, ids);
  }

  // An answered, acknowledged call; returns our To tag.
  std::string established() {
    ua->on_message(make_request("INVITE", "z9hG4bKr1"), udp_peer());
    EXPECT_TRUE(incoming.has_value());
    ua->answer(*incoming, "v=0\r\n");
    Message ok = sink.take().back();
    const std::string tag = parse_name_addr(*ok.header("To"))->tag().value_or("");
    ua->on_message(make_request("ACK", "z9hG4bKr1-ack", 1, tag), udp_peer());
    sink.take();
    return tag;
  }

  // A NOTIFY from the peer in the dialog with a sipfrag body.
  Message notify(const std::string& tag, std::uint32_t cseq, const std::string& event,
                 const std::string& state, const std::string& frag) {
    Message m = make_request("NOTIFY", "z9hG4bKn" + std::to_string(cseq), cseq, tag);
    m.add_header("Event", event);
    m.add_header("Subscription-State", state);
    m.add_header("Content-Type", "message/sipfrag;version=2.0");
    m.body = frag;
    return parse_or_die(m.serialize());
  }

  FakeTimerService clock;
  RecordingSink sink{clock};
  Logger logger{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids{11};
  std::unique_ptr<UserAgent> ua;
  std::optional<CallHandle> incoming;
  std::vector<std::string> events;
};

TEST_F(UserAgentReferTest, ReferAcceptedThenNotifiesUntilFinal) {
  const std::string tag = established();
  ASSERT_TRUE(ua->refer(*incoming, "sip:agent@192.0.2.50:5070",
                        {{"X-Queue", "sales & more"}, {"User-to-User", "04a1"}}));
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"REFER"}));
  const Message& refer = sent[0];
  EXPECT_EQ(refer.request_uri, "sip:alice@192.0.2.1:5060");  // the peer's Contact
  EXPECT_EQ(*refer.header("Refer-To"),
            "<sip:agent@192.0.2.50:5070?X-Queue=sales%20%26%20more&User-to-User=04a1>");
  EXPECT_EQ(*refer.header("Referred-By"), "<sip:100@192.0.2.9>");
  EXPECT_NE(refer.header("From")->find(tag), std::string::npos);  // in the dialog
  EXPECT_NE(refer.header("To")->find("tag=alice1"), std::string::npos);
  // A second REFER while one is in flight is refused.
  EXPECT_FALSE(ua->refer(*incoming, "sip:x@192.0.2.51"));

  ua->on_message(parse_or_die(make_response(refer, 202).serialize()), udp_peer());
  ua->on_message(notify(tag, 2, "refer", "active;expires=60", "SIP/2.0 100 Trying\r\n"),
                 udp_peer());
  ua->on_message(notify(tag, 3, "refer;id=7", "terminated;reason=noresource", "SIP/2.0 200 OK\r\n"),
                 udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"200 2 NOTIFY", "200 3 NOTIFY"}));
  EXPECT_EQ(events, (std::vector<std::string>{"response 202", "notify 100", "notify 200 final"}));
}

TEST_F(UserAgentReferTest, RefusedReferIsFinal) {
  established();
  ASSERT_TRUE(ua->refer(*incoming, "sip:agent@192.0.2.50"));
  Message refer = sink.take().front();
  ua->on_message(parse_or_die(make_response(refer, 405).serialize()), udp_peer());
  EXPECT_EQ(events, (std::vector<std::string>{"response 405 final"}));
  // ... and a new REFER may follow.
  EXPECT_TRUE(ua->refer(*incoming, "sip:agent@192.0.2.50"));
}

TEST_F(UserAgentReferTest, NotifyForAnotherEventAndUnreadableSipfrag) {
  const std::string tag = established();
  ua->on_message(notify(tag, 2, "presence", "active", "SIP/2.0 200 OK\r\n"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"489 2 NOTIFY"}));
  ua->on_message(notify(tag, 3, "refer", "terminated", "HTTP/1.1 200 OK\r\n"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"200 3 NOTIFY"}));
  EXPECT_EQ(events, (std::vector<std::string>{"notify 0 final"}));
}

TEST_F(UserAgentReferTest, ReferNeedsAnEstablishedCall) {
  ua->on_message(make_request("INVITE", "z9hG4bKr9"), udp_peer());
  ASSERT_TRUE(incoming);
  EXPECT_FALSE(ua->refer(*incoming, "sip:agent@192.0.2.50"));  // not answered yet
  EXPECT_FALSE(ua->refer(999, "sip:agent@192.0.2.50"));        // no such call
  established();
  EXPECT_FALSE(ua->refer(*incoming, "not a uri"));
}

}  // namespace
}  // namespace keyline::sip::testing
