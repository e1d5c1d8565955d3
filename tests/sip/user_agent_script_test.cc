// The user agent on the transaction layer with a fake clock and a recording
// sink: scripted peers exercise what needs exact timing or hand-made
// messages (retransmissions, a lost ACK, stray requests).
#include <gtest/gtest.h>

#include <optional>

#include "base/ids.h"
#include "base/log.h"
#include "sip/user_agent.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

class UserAgentScriptTest : public ::testing::Test {
 protected:
  UserAgentScriptTest() {
    UserAgent::Handlers h;
    h.on_incoming = [this](CallHandle c, const Message&, const Peer&) {
      incoming = c;
      ++incoming_count;
    };
    h.on_confirmed = [this](CallHandle) { ++confirmed; };
    h.on_answered = [this](CallHandle, const Message&) { ++answered; };
    h.on_ended = [this](CallHandle, EndReason r, int status) {
      ended.push_back(r);
      ended_status = status;
    };
    UaConfig config;
    config.t1 = ms(10);  // 64*T1 = 640 ms of fake time
    config.t2 = ms(40);
    config.t4 = ms(50);
    ua = std::make_unique<UserAgent>(clock, sink, LocalAddress{"192.0.2.9", 5060}, config,
                                     std::move(h), logger, ids);
  }

  // An INVITE from the peer, answered; returns the 200 we sent.
  Message answered_call(const Message& invite) {
    ua->on_message(invite, udp_peer());
    EXPECT_TRUE(incoming.has_value());
    ua->answer(*incoming, "v=0\r\n");
    auto sent = sink.take();
    EXPECT_EQ(start_lines(sent), (std::vector<std::string>{"100 1 INVITE", "200 1 INVITE"}));
    return sent.back();
  }
  static std::string to_tag(const Message& m) {
    auto na = parse_name_addr(*m.header("To"));
    return na ? na->tag().value_or("") : "";
  }

  FakeTimerService clock;
  RecordingSink sink{clock};
  Logger logger{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids{7};
  std::unique_ptr<UserAgent> ua;
  std::optional<CallHandle> incoming;
  int incoming_count = 0;
  int confirmed = 0;
  int answered = 0;
  std::vector<EndReason> ended;
  int ended_status = -1;
};

TEST_F(UserAgentScriptTest, InviteRetransmissionGetsTheSameProvisional) {
  Message invite = make_request("INVITE", "z9hG4bKua1");
  ua->on_message(invite, udp_peer());
  ASSERT_TRUE(incoming);
  ua->ringing(*incoming);
  ASSERT_EQ(sink.sent.size(), 2u);
  std::string ringing = sink.sent[1].bytes;
  sink.sent.clear();
  ua->on_message(invite, udp_peer());
  ASSERT_EQ(sink.sent.size(), 1u);
  EXPECT_EQ(sink.sent[0].bytes, ringing);  // byte for byte, same To tag
  EXPECT_EQ(incoming_count, 1);            // the owner saw one call
}

TEST_F(UserAgentScriptTest, LostAckMeans2xxRetransmittedThenByeAfter64T1) {
  Message ok = answered_call(make_request("INVITE", "z9hG4bKua2"));
  clock.advance(ms(639));
  auto resent = sink.take();
  ASSERT_FALSE(resent.empty());
  for (auto& m : resent) EXPECT_EQ(m.status, 200);
  // T1, 2T1, 4T1 then capped at T2: 10, 30, 70, 110, ... 630.
  std::vector<ms> expected{ms(10), ms(30), ms(70)};
  for (ms t = ms(110); t < ms(640); t += ms(40)) expected.push_back(t);
  EXPECT_EQ(resent.size(), expected.size());
  clock.advance(ms(1));
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"BYE"}));
  Message bye = sent[0];
  // The BYE is ours within the dialog: our tag in From, the caller's in To.
  EXPECT_NE(bye.header("From")->find(to_tag(ok)), std::string::npos);
  EXPECT_NE(bye.header("To")->find("tag=alice1"), std::string::npos);
  EXPECT_EQ(bye.request_uri, "sip:alice@192.0.2.1:5060");  // the caller's Contact
  clock.advance(ms(0));
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kAckTimeout}));
  // Unanswered, the BYE is retransmitted by its transaction (Timer E) ...
  clock.advance(ms(35));  // at 650 and 670
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"BYE", "BYE"}));
  // ... until the 200 arrives; then the call is gone.
  ua->on_message(parse_or_die(make_response(bye, 200).serialize()), udp_peer());
  clock.advance(ms(1000));
  EXPECT_TRUE(sink.sent.empty());
  EXPECT_EQ(ua->active_calls(), 0u);
  EXPECT_EQ(ua->transactions(), 0u);
}

TEST_F(UserAgentScriptTest, AckStops2xxRetransmissions) {
  Message ok = answered_call(make_request("INVITE", "z9hG4bKua3"));
  clock.advance(ms(35));  // retransmissions at 10 and 30
  EXPECT_EQ(sink.take().size(), 2u);
  ua->on_message(make_request("ACK", "z9hG4bKua3-ack", 1, to_tag(ok)), udp_peer());
  EXPECT_EQ(confirmed, 1);
  clock.advance(ms(2000));
  EXPECT_TRUE(sink.sent.empty());  // neither 200s nor a BYE
  EXPECT_EQ(ua->active_calls(), 1u);
}

TEST_F(UserAgentScriptTest, HangupBeforeAckSendsByeOnlyAfterTheAck) {
  // RFC 3261 15: the callee must not send BYE before the ACK for its 2xx.
  Message ok = answered_call(make_request("INVITE", "z9hG4bKua7"));
  ua->hangup(*incoming);
  clock.advance(ms(15));  // one 2xx retransmission, no BYE yet
  auto sent = start_lines(sink.take());
  EXPECT_EQ(sent, (std::vector<std::string>{"200 1 INVITE"}));
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kLocalBye}));
  ua->on_message(make_request("ACK", "z9hG4bKua7-ack", 1, to_tag(ok)), udp_peer());
  auto after_ack = sink.take();
  ASSERT_EQ(after_ack.size(), 1u);
  EXPECT_TRUE(after_ack[0].is_request());
  EXPECT_EQ(after_ack[0].method, "BYE");
  EXPECT_EQ(confirmed, 0);  // the app already hung up: no confirmation
}

TEST_F(UserAgentScriptTest, ByeRetransmissionsAreAbsorbed) {
  Message ok = answered_call(make_request("INVITE", "z9hG4bKua4"));
  ua->on_message(make_request("ACK", "z9hG4bKua4-ack", 1, to_tag(ok)), udp_peer());
  Message bye = make_request("BYE", "z9hG4bKua4-bye", 2, to_tag(ok));
  ua->on_message(bye, udp_peer());
  clock.advance(ms(0));  // the call is ended and forgotten
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kRemoteBye}));
  ua->on_message(bye, udp_peer());
  ua->on_message(bye, udp_peer());
  // Always 200 from the BYE's transaction, never 481 from a dialog gone.
  EXPECT_EQ(start_lines(sink.take()),
            (std::vector<std::string>{"200 2 BYE", "200 2 BYE", "200 2 BYE"}));
  EXPECT_EQ(ended.size(), 1u);
  EXPECT_EQ(ua->active_calls(), 0u);
}

TEST_F(UserAgentScriptTest, UnknownDialogGets481) {
  ua->on_message(make_request("BYE", "z9hG4bKua5", 2, "nosuchtag"), udp_peer());
  ua->on_message(make_request("INVITE", "z9hG4bKua6", 3, "nosuchtag"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"481 2 BYE", "481 3 INVITE"}));
  EXPECT_FALSE(incoming.has_value());
  // A BYE outside any dialog, and a CANCEL for no INVITE, too.
  ua->on_message(make_request("BYE", "z9hG4bKua7", 2), udp_peer());
  ua->on_message(make_request("CANCEL", "z9hG4bKua8"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"481 2 BYE", "481 1 CANCEL"}));
}

TEST_F(UserAgentScriptTest, CancelGets200And487WhoseAckIsAbsorbed) {
  Message invite = make_request("INVITE", "z9hG4bKua9");
  ua->on_message(invite, udp_peer());
  ASSERT_TRUE(incoming);
  sink.sent.clear();
  ua->on_message(make_request("CANCEL", "z9hG4bKua9"), udp_peer());
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"200 1 CANCEL", "487 1 INVITE"}));
  EXPECT_EQ(to_tag(sent[0]), to_tag(sent[1]));  // RFC 3261 9.2
  ua->on_message(make_request("ACK", "z9hG4bKua9", 1, to_tag(sent[1])), udp_peer());
  clock.advance(ms(1000));
  EXPECT_TRUE(sink.sent.empty());  // ACKed: no more 487s
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kCancelled}));
  EXPECT_EQ(ended_status, 487);
  ua->answer(*incoming, "v=0\r\n");  // too late: nothing happens
  EXPECT_TRUE(sink.sent.empty());
}

TEST_F(UserAgentScriptTest, UacAcksEvery2xxRetransmissionEvenAfterItsTransaction) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  Message invite = sink.take().at(0);
  Message ok = make_response(invite, 200, {}, "bob1");
  ok.add_header("Contact", "<sip:bob@192.0.2.1:5060>");
  ok = parse_or_die(ok.serialize());
  ua->on_message(ok, udp_peer());
  EXPECT_EQ(answered, 1);
  auto acks = sink.take();
  ASSERT_EQ(start_lines(acks), (std::vector<std::string>{"ACK"}));
  EXPECT_EQ(acks[0].request_uri, "sip:bob@192.0.2.1:5060");
  ua->on_message(ok, udp_peer());  // within the INVITE transaction (Accepted)
  EXPECT_EQ(sink.take()[0].serialize(), acks[0].serialize());
  clock.advance(ms(640));  // Timer M: the transaction is gone
  ua->on_message(ok, udp_peer());
  EXPECT_EQ(sink.take()[0].serialize(), acks[0].serialize());
  EXPECT_EQ(answered, 1);
}

TEST_F(UserAgentScriptTest, OverTcpOnlyThe2xxIsRetransmitted) {
  // The 2xx is the UA's to repeat end to end, whatever the hop's transport
  // (RFC 3261 13.3.1.4); an error response is the transaction's, which
  // relies on TCP (no Timer G).
  ua->on_message(make_request("INVITE", "z9hG4bKtcp1"), tcp_peer());
  ASSERT_TRUE(incoming);
  ua->answer(*incoming, "v=0\r\n");
  sink.sent.clear();
  clock.advance(ms(35));
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"200 1 INVITE", "200 1 INVITE"}));

  incoming.reset();
  ua->on_message(make_request("INVITE", "z9hG4bKtcp2", 1, "", "call-2@test"), tcp_peer());
  ASSERT_TRUE(incoming);
  ua->reject(*incoming, 486);
  sink.sent.clear();
  clock.advance(ms(100));
  for (auto& m : sink.take()) EXPECT_NE(m.status, 486);
}

TEST_F(UserAgentScriptTest, UacTimeoutWithoutAnyResponse) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  clock.advance(ms(640));  // Timer B
  clock.advance(ms(0));
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kTimeout}));
  EXPECT_EQ(ended_status, 408);
  EXPECT_EQ(ua->active_calls(), 0u);
}

}  // namespace
}  // namespace keyline::sip::testing
