// A REFER received in an answered call (RFC 3515) against a scripted peer: declined with 603
// when the owner has no handler, 202 then NOTIFYs with the new call's progress as
// message/sipfrag when it accepts, Refer-Sub: false without NOTIFYs, and the malformed cases.
#include <gtest/gtest.h>

#include <optional>

#include "base/ids.h"
#include "base/log.h"
#include "sip/user_agent.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

class ReferInTest : public ::testing::Test {
 protected:
  void make_ua(bool with_handler) {
    UserAgent::Handlers h;
    h.on_incoming = [this](CallHandle c, const Message&, const Peer&) { incoming = c; };
    if (with_handler) {
      h.on_refer_received = [this](CallHandle, const IncomingRefer& r) {
        refers.push_back(r);
        return refer_status;
      };
    }
    UaConfig config;
    config.t1 = ms(10);
    ua = std::make_unique<UserAgent>(clock, sink, LocalAddress{"192.0.2.9", 5060}, config,
                                     std::move(h), logger, ids);
  }
  // An answered, acknowledged call; returns our To tag.
  std::string established() {
    ua->on_message(make_request("INVITE", "z9hG4bKq1"), udp_peer());
    EXPECT_TRUE(incoming.has_value());
    ua->answer(*incoming, "v=0\r\n");
    Message ok = sink.take().back();
    const std::string tag = parse_name_addr(*ok.header("To"))->tag().value_or("");
    ua->on_message(make_request("ACK", "z9hG4bKq1-ack", 1, tag), udp_peer());
    sink.take();
    return tag;
  }
  Message refer(const std::string& tag, std::uint32_t cseq, const std::vector<std::string>& to,
                const std::string& extra_name = "", const std::string& extra_value = "") {
    Message m = make_request("REFER", "z9hG4bKrf" + std::to_string(cseq), cseq, tag);
    for (auto& t : to) m.add_header("Refer-To", t);
    m.add_header("Referred-By", "<sip:alice@192.0.2.1>");
    if (!extra_name.empty()) m.add_header(extra_name, extra_value);
    return parse_or_die(m.serialize());
  }

  FakeTimerService clock;
  RecordingSink sink{clock};
  Logger logger{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids{19};
  std::unique_ptr<UserAgent> ua;
  std::optional<CallHandle> incoming;
  std::vector<IncomingRefer> refers;
  int refer_status = 202;
};

TEST_F(ReferInTest, WithoutAHandlerEveryReferIsDeclined) {
  make_ua(false);
  const std::string tag = established();
  ua->on_message(refer(tag, 2, {"<sip:agent@192.0.2.7>"}), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"603 2 REFER"}));
  EXPECT_EQ(ua->active_calls(), 1u);  // the call goes on
}

TEST_F(ReferInTest, AcceptedReferNotifiesTheNewCallsProgress) {
  make_ua(true);
  const std::string tag = established();
  ua->on_message(refer(tag, 2, {"<sip:agent@192.0.2.7;user=phone>"}), udp_peer());
  ASSERT_EQ(refers.size(), 1u);
  EXPECT_EQ(refers[0].refer_to, "sip:agent@192.0.2.7;user=phone");
  EXPECT_EQ(refers[0].referred_by, "<sip:alice@192.0.2.1>");
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"202 2 REFER", "NOTIFY"}));
  Message first = sent[1];
  EXPECT_EQ(first.header("Event"), "refer;id=2");
  EXPECT_EQ(first.header("Subscription-State"), "active;expires=60");
  EXPECT_EQ(first.header("Content-Type"), "message/sipfrag;version=2.0");
  EXPECT_EQ(first.body, "SIP/2.0 100 Trying\r\n");
  EXPECT_NE(first.header("To")->find("tag=alice1"), std::string_view::npos);  // in the dialog
  ASSERT_TRUE(ua->notify_refer(*incoming, 180, false));
  sent = sink.take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].body, "SIP/2.0 180 Ringing\r\n");
  ASSERT_TRUE(ua->notify_refer(*incoming, 200, true));
  sent = sink.take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].body, "SIP/2.0 200 OK\r\n");
  EXPECT_EQ(sent[0].header("Subscription-State"), "terminated;reason=noresource");
  // The subscription is over: nothing more to notify.
  EXPECT_FALSE(ua->notify_refer(*incoming, 200, true));
}

TEST_F(ReferInTest, ReferSubFalseGetsNoNotify) {
  make_ua(true);
  const std::string tag = established();
  ua->on_message(refer(tag, 2, {"<sip:agent@192.0.2.7>"}, "Refer-Sub", "false"), udp_peer());
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"202 2 REFER"}));
  EXPECT_EQ(sent[0].header("Refer-Sub"), "false");
  EXPECT_TRUE(refers.at(0).no_subscription);
  EXPECT_FALSE(ua->notify_refer(*incoming, 200, true));
}

TEST_F(ReferInTest, TheOwnersRefusalAndMalformedRefers) {
  make_ua(true);
  const std::string tag = established();
  ua->on_message(refer(tag, 2, {}), udp_peer());  // no Refer-To
  ua->on_message(refer(tag, 3, {"<sip:a@192.0.2.7>", "<sip:b@192.0.2.7>"}), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"400 2 REFER", "400 3 REFER"}));
  EXPECT_TRUE(refers.empty());
  refer_status = 403;
  ua->on_message(refer(tag, 4, {"<sip:a@192.0.2.7>"}), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"403 4 REFER"}));
  // Accepted, then a second one while the first is in progress.
  refer_status = 202;
  ua->on_message(refer(tag, 5, {"<sip:a@192.0.2.7>"}), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"202 5 REFER", "NOTIFY"}));
  ua->on_message(refer(tag, 6, {"<sip:b@192.0.2.7>"}), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"491 6 REFER"}));
  // Outside any dialog REFER is still 405.
  ua->on_message(make_request("REFER", "z9hG4bKout", 1, "", "other@test"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"405 1 REFER"}));
}

}  // namespace
}  // namespace keyline::sip::testing
