// The user agent as UAS of requests inside a confirmed dialog, with a fake clock and a recording
// sink: re-INVITE with and without SDP, the ACK that answers our offer, glare (491), an INVITE
// transaction in progress (500 + Retry-After), UPDATE, INFO, late offer, and RFC 4028 session
// timers (422, the 2xx headers, BYE when the refresher goes quiet, our own refresh).
#include <gtest/gtest.h>

#include <optional>

#include "base/ids.h"
#include "base/log.h"
#include "sip/user_agent.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

// A request from the peer with optional extra headers and body.
Message peer_request(const std::string& method, const std::string& branch, std::uint32_t cseq,
                     const std::string& to_tag, const std::string& extra = "",
                     const std::string& body = "", const std::string& cseq_method = "") {
  std::string text = method + " sip:100@192.0.2.9 SIP/2.0\r\n";
  text += "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=" + branch + "\r\n";
  text += "Max-Forwards: 70\r\n";
  text += "From: <sip:alice@192.0.2.1>;tag=alice1\r\n";
  text += "To: <sip:100@192.0.2.9>" + (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\n";
  text += "Call-ID: call-1@test\r\n";
  text +=
      "CSeq: " + std::to_string(cseq) + " " + (cseq_method.empty() ? method : cseq_method) + "\r\n";
  text += "Contact: <sip:alice@192.0.2.1:5060>\r\n";
  text += extra;
  if (!body.empty()) text += "Content-Type: application/sdp\r\n";
  text += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return parse_or_die(text);
}

class ReinviteTest : public ::testing::Test {
 protected:
  ReinviteTest() {
    UserAgent::Handlers h;
    h.on_incoming = [this](CallHandle c, const Message&, const Peer&) { incoming = c; };
    h.on_confirmed = [this](CallHandle) { ++confirmed; };
    h.on_ended = [this](CallHandle, EndReason r, int) { ended.push_back(r); };
    h.on_offer = [this](CallHandle, std::string_view offer) {
      offers.emplace_back(offer);
      return reply;
    };
    h.on_ack_answer = [this](CallHandle, std::string_view answer) { answers.emplace_back(answer); };
    h.on_info = [this](CallHandle, const Message& info) {
      infos.push_back(info.body);
      return info_status;
    };
    UaConfig config;
    config.t1 = ms(10);
    config.t2 = ms(40);
    config.t4 = ms(50);
    config.session_timer.min_se_s = 90;
    ua = std::make_unique<UserAgent>(clock, sink, LocalAddress{"192.0.2.9", 5060}, config,
                                     std::move(h), logger, ids);
  }

  // Sets up a confirmed dialog (INVITE with SDP, 200, ACK); returns our To tag.
  std::string confirmed_call(const std::string& extra = "") {
    ua->on_message(peer_request("INVITE", "z9hG4bKi1", 1, "", extra, "v=0 offer\r\n"), udp_peer());
    EXPECT_TRUE(incoming);
    ua->answer(*incoming, "v=0 answer\r\n");
    auto sent = sink.take();
    EXPECT_FALSE(sent.empty());
    ok = sent.back();
    std::string tag = parse_name_addr(*ok.header("To"))->tag().value_or("");
    ua->on_message(peer_request("ACK", "z9hG4bKa1", 1, tag), udp_peer());
    EXPECT_EQ(confirmed, 1);
    return tag;
  }

  FakeTimerService clock;
  RecordingSink sink{clock};
  Logger logger{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids{9};
  std::unique_ptr<UserAgent> ua;
  std::optional<CallHandle> incoming;
  int confirmed = 0;
  std::vector<EndReason> ended;
  std::vector<std::string> offers;
  std::vector<std::string> answers;
  std::vector<std::string> infos;
  SdpReply reply{200, "v=0 new answer\r\n"};
  int info_status = 200;
  Message ok;
};

TEST_F(ReinviteTest, ReInviteWithSdpIsAnsweredAndRetransmittedUntilTheAck) {
  std::string tag = confirmed_call();
  ua->on_message(peer_request("INVITE", "z9hG4bKr1", 2, tag, "", "v=0 hold\r\n"), udp_peer());
  ASSERT_EQ(offers, std::vector<std::string>{"v=0 hold\r\n"});
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent).back(), "200 2 INVITE");
  EXPECT_EQ(sent.back().body, "v=0 new answer\r\n");
  EXPECT_EQ(sent.back().header("Content-Type"), "application/sdp");
  // No ACK yet: the 2xx goes again (RFC 3261 13.3.1.4).
  clock.advance(ms(15));
  EXPECT_EQ(start_lines(sink.take()), std::vector<std::string>{"200 2 INVITE"});
  ua->on_message(peer_request("ACK", "z9hG4bKa2", 2, tag), udp_peer());
  clock.advance(ms(2000));
  EXPECT_TRUE(sink.take().empty());  // stopped, and no BYE
  EXPECT_TRUE(ended.empty());
  EXPECT_TRUE(answers.empty());  // the re-INVITE had the offer; the ACK carries nothing
}

TEST_F(ReinviteTest, ReInviteWithoutSdpGetsOurOfferAndTheAckAnswers) {
  std::string tag = confirmed_call();
  reply = SdpReply{200, "v=0 our offer\r\n"};
  ua->on_message(peer_request("INVITE", "z9hG4bKr1", 2, tag), udp_peer());
  ASSERT_EQ(offers, std::vector<std::string>{""});
  auto sent = sink.take();
  EXPECT_EQ(sent.back().body, "v=0 our offer\r\n");
  // While our offer waits for the ACK, an UPDATE with an offer is glare.
  ua->on_message(peer_request("UPDATE", "z9hG4bKu1", 3, tag, "", "v=0 x\r\n"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()).back(), "491 3 UPDATE");
  ua->on_message(peer_request("ACK", "z9hG4bKa2", 2, tag, "", "v=0 their answer\r\n"), udp_peer());
  EXPECT_EQ(answers, std::vector<std::string>{"v=0 their answer\r\n"});
}

TEST_F(ReinviteTest, RefusedOfferKeepsTheSession) {
  std::string tag = confirmed_call();
  reply = SdpReply{488, ""};
  ua->on_message(peer_request("INVITE", "z9hG4bKr1", 2, tag, "", "v=0 g729\r\n"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()).back(), "488 2 INVITE");
  reply = SdpReply{0, ""};  // "no change": our last SDP goes back
  ua->on_message(peer_request("INVITE", "z9hG4bKr2", 3, tag, "", "v=0 same\r\n"), udp_peer());
  auto sent = sink.take();
  EXPECT_EQ(start_lines(sent).back(), "200 3 INVITE");
  EXPECT_EQ(sent.back().body, "v=0 answer\r\n");
  EXPECT_TRUE(ended.empty());
}

TEST_F(ReinviteTest, SecondReInviteBeforeTheAckGets500WithRetryAfter) {
  std::string tag = confirmed_call();
  ua->on_message(peer_request("INVITE", "z9hG4bKr1", 2, tag, "", "v=0 a\r\n"), udp_peer());
  sink.take();
  ua->on_message(peer_request("INVITE", "z9hG4bKr2", 3, tag, "", "v=0 b\r\n"), udp_peer());
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent).back(), "500 3 INVITE");
  auto retry = sent.back().header("Retry-After");
  ASSERT_TRUE(retry);
  int seconds = std::stoi(std::string(*retry));
  EXPECT_GE(seconds, 0);
  EXPECT_LE(seconds, 10);
  EXPECT_EQ(offers.size(), 1u);  // the second offer never reached the owner
}

TEST_F(ReinviteTest, ReInviteBeforeTheFirstAckGets500) {
  ua->on_message(peer_request("INVITE", "z9hG4bKi1", 1, "", "", "v=0 offer\r\n"), udp_peer());
  ua->answer(*incoming, "v=0 answer\r\n");
  auto sent = sink.take();
  std::string tag = parse_name_addr(*sent.back().header("To"))->tag().value_or("");
  ua->on_message(peer_request("INVITE", "z9hG4bKr1", 2, tag, "", "v=0 b\r\n"), udp_peer());
  sent = sink.take();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(start_lines(sent).back(), "500 2 INVITE");
  EXPECT_TRUE(sent.back().header("Retry-After").has_value());
}

TEST_F(ReinviteTest, OutOfOrderCSeqIsRefused) {
  std::string tag = confirmed_call();
  ua->on_message(peer_request("UPDATE", "z9hG4bKu1", 5, tag, "", "v=0 a\r\n"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()).back(), "200 5 UPDATE");
  ua->on_message(peer_request("UPDATE", "z9hG4bKu2", 4, tag, "", "v=0 b\r\n"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()).back(), "500 4 UPDATE");
}

TEST_F(ReinviteTest, UpdateWithAndWithoutSdp) {
  std::string tag = confirmed_call();
  ua->on_message(peer_request("UPDATE", "z9hG4bKu1", 2, tag, "", "v=0 hold\r\n"), udp_peer());
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent).back(), "200 2 UPDATE");
  EXPECT_EQ(sent.back().body, "v=0 new answer\r\n");
  ua->on_message(peer_request("UPDATE", "z9hG4bKu2", 3, tag), udp_peer());
  sent = sink.take();
  ASSERT_EQ(start_lines(sent).back(), "200 3 UPDATE");
  EXPECT_TRUE(sent.back().body.empty());
  EXPECT_EQ(offers.size(), 1u);  // a bodiless UPDATE is a refresh, not an offer
}

TEST_F(ReinviteTest, InfoReachesTheOwnerWhoPicksTheStatus) {
  std::string tag = confirmed_call();
  ua->on_message(peer_request("INFO", "z9hG4bKn1", 2, tag, "", "Signal=5\r\n"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()).back(), "200 2 INFO");
  info_status = 415;
  ua->on_message(peer_request("INFO", "z9hG4bKn2", 3, tag, "", "x"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()).back(), "415 3 INFO");
  EXPECT_EQ(infos.size(), 2u);
}

TEST_F(ReinviteTest, SendInfoGoesInTheDialog) {
  std::string tag = confirmed_call();
  ASSERT_TRUE(ua->send_info(*incoming, "application/dtmf-relay", "Signal=7\r\nDuration=160\r\n"));
  auto sent = sink.take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "INFO");
  EXPECT_EQ(sent[0].header("Content-Type"), "application/dtmf-relay");
  // We are the UAS of this dialog: our tag is in From, the peer's in To.
  EXPECT_NE(std::string(*sent[0].header("From")).find(tag), std::string::npos);
  EXPECT_NE(std::string(*sent[0].header("To")).find("alice1"), std::string::npos);
}

// The Assistant module's send_sip_info and transfer by hang-up (issue 7).
TEST_F(ReinviteTest, InfoAndByeCarryTheOwnersHeaders) {
  std::string tag = confirmed_call();
  ASSERT_TRUE(ua->send_info(*incoming, "", "", {{"X-State", "queued"}}));
  auto sent = sink.take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].header("X-State"), "queued");
  EXPECT_FALSE(sent[0].header("Content-Type").has_value());  // no body, no type
  ua->hangup(*incoming, {{"Transfer-Target", "tel:+15550100"}, {"User-to-User", "abc"}});
  sent = sink.take();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent.back().method, "BYE");
  EXPECT_EQ(sent.back().header("Transfer-Target"), "tel:+15550100");
  EXPECT_EQ(sent.back().header("User-to-User"), "abc");
}

TEST_F(ReinviteTest, LateOfferTakesTheAnswerFromTheAck) {
  ua->on_message(peer_request("INVITE", "z9hG4bKi1", 1, ""), udp_peer());
  ASSERT_TRUE(incoming);
  ua->answer(*incoming, "v=0 our offer\r\n");
  auto sent = sink.take();
  EXPECT_EQ(sent.back().body, "v=0 our offer\r\n");
  std::string tag = parse_name_addr(*sent.back().header("To"))->tag().value_or("");
  ua->on_message(peer_request("ACK", "z9hG4bKa1", 1, tag, "", "v=0 the answer\r\n"), udp_peer());
  EXPECT_EQ(answers, std::vector<std::string>{"v=0 the answer\r\n"});
  EXPECT_EQ(confirmed, 1);
}

TEST_F(ReinviteTest, GlareWithOurRefreshReInviteGets491) {
  // The peer does not allow UPDATE, so our refresh (we are the refresher) is a re-INVITE.
  std::string tag = confirmed_call("Session-Expires: 120;refresher=uas\r\n");
  clock.advance(ms(60 * 1000));
  auto sent = sink.take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "INVITE");
  EXPECT_EQ(sent[0].body, "v=0 answer\r\n");  // our current SDP, unchanged
  ua->on_message(peer_request("INVITE", "z9hG4bKr1", 2, tag, "", "v=0 x\r\n"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()).back(), "491 2 INVITE");
  EXPECT_TRUE(offers.empty());
}

TEST_F(ReinviteTest, SessionIntervalBelowMinSeGets422) {
  ua->on_message(peer_request("INVITE", "z9hG4bKi1", 1, "", "Session-Expires: 60\r\n", "v=0\r\n"),
                 udp_peer());
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent).back(), "422 1 INVITE");
  EXPECT_EQ(sent.back().header("Min-SE"), "90");
  EXPECT_FALSE(incoming);  // no call was created
}

TEST_F(ReinviteTest, PeerRefresherThatGoesQuietGetsBye) {
  std::string tag = confirmed_call("Supported: timer\r\nSession-Expires: 120;refresher=uac\r\n");
  EXPECT_EQ(ok.header("Session-Expires"), "120;refresher=uac");
  EXPECT_EQ(ok.header("Require"), "timer");
  // A refresh (UPDATE without SDP) at 60 s restarts the timer.
  clock.advance(ms(60 * 1000));
  ua->on_message(
      peer_request("UPDATE", "z9hG4bKu1", 2, tag, "Session-Expires: 120;refresher=uac\r\n"),
      udp_peer());
  EXPECT_EQ(start_lines(sink.take()).back(), "200 2 UPDATE");
  // 120 - min(32, 120/3) = 88 s after the refresh, not before.
  clock.advance(ms(87 * 1000));
  EXPECT_TRUE(sink.take().empty());
  clock.advance(ms(2 * 1000));
  auto sent = sink.take();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent[0].method, "BYE");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0], EndReason::kSessionExpired);
}

TEST_F(ReinviteTest, WeRefreshWithUpdateWhenThePeerAllowsIt) {
  confirmed_call("Allow: INVITE, ACK, BYE, UPDATE\r\nSession-Expires: 100;refresher=uas\r\n");
  EXPECT_EQ(ok.header("Session-Expires"), "100;refresher=uas");
  EXPECT_FALSE(ok.header("Require").has_value());  // the peer did not say it supports timer
  clock.advance(ms(49 * 1000));
  EXPECT_TRUE(sink.take().empty());
  clock.advance(ms(1000));  // 50 s: half the interval
  auto sent = sink.take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "UPDATE");
  EXPECT_EQ(sent[0].header("Session-Expires"), "100;refresher=uac");
  EXPECT_TRUE(sent[0].body.empty());
  ua->on_message(make_response(sent[0], 200), udp_peer());
  // Answered: the next refresh comes another half interval later, and the call goes on.
  clock.advance(ms(49 * 1000));
  EXPECT_TRUE(sink.take().empty());
  clock.advance(ms(1000));
  sent = sink.take();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "UPDATE");
  EXPECT_TRUE(ended.empty());
  // This one is never answered: the transaction times out (408) and the call ends with BYE.
  clock.advance(ms(2000));
  sent = sink.take();
  ASSERT_FALSE(sent.empty());
  EXPECT_EQ(sent.back().method, "BYE");
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0], EndReason::kSessionExpired);
}

TEST_F(ReinviteTest, NoTimerForAPeerThatKnowsNone) {
  confirmed_call();
  EXPECT_FALSE(ok.header("Session-Expires").has_value());
  clock.advance(ms(4000 * 1000));
  EXPECT_TRUE(sink.take().empty());
  EXPECT_TRUE(ended.empty());
}

TEST_F(ReinviteTest, RequireTimerIsServedAndRequireOfAnUnknownTagIsNot) {
  ua->on_message(peer_request("INVITE", "z9hG4bKi1", 1, "", "Require: foo\r\n", "v=0\r\n"),
                 udp_peer());
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent).back(), "420 1 INVITE");
  EXPECT_EQ(sent.back().header("Unsupported"), "foo");
  ua->on_message(peer_request("INVITE", "z9hG4bKi2", 1, "",
                              "Require: timer\r\nSession-Expires: 1800\r\n", "v=0\r\n"),
                 udp_peer());
  EXPECT_TRUE(incoming);
}

}  // namespace
}  // namespace keyline::sip::testing
