// RFC 3262 reliable provisional responses through the real user agent and transaction layer,
// with a fake clock and a recording sink: our 180 sent reliably (Require, RSeq, T1-doubling
// retransmissions), the PRACK matched by RAck (200) or not (481), the 2xx held back until the
// PRACK, 500 after 64*T1 without one; as UAC, a PRACK for each new reliable 18x and none for a
// repeated one.
#include <gtest/gtest.h>

#include <optional>

#include "base/ids.h"
#include "base/log.h"
#include "sip/user_agent.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

Message with_header(Message m, const std::string& name, const std::string& value) {
  m.add_header(name, value);
  return parse_or_die(m.serialize());
}

class PrackTest : public ::testing::Test {
 protected:
  PrackTest() {
    UserAgent::Handlers h;
    h.on_incoming = [this](CallHandle c, const Message&, const Peer&) { incoming = c; };
    h.on_confirmed = [this](CallHandle) { ++confirmed; };
    h.on_provisional = [this](CallHandle, const Message& r) { provisionals.push_back(r.status); };
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

  // An INVITE naming 100rel in `header`, then ringing(); returns the 180 we sent.
  Message ringing_call(const std::string& header) {
    ua->on_message(with_header(make_request("INVITE", "z9hG4bKp1"), header, "100rel"), udp_peer());
    EXPECT_TRUE(incoming);
    ua->ringing(*incoming);
    auto sent = sink.take();
    EXPECT_EQ(start_lines(sent), (std::vector<std::string>{"100 1 INVITE", "180 1 INVITE"}));
    return sent.back();
  }
  static std::string to_tag(const Message& m) {
    auto na = parse_name_addr(*m.header("To"));
    return na ? na->tag().value_or("") : "";
  }
  Message prack(const Message& ringing, const std::string& rack, const std::string& branch) {
    return with_header(make_request("PRACK", branch, 2, to_tag(ringing)), "RAck", rack);
  }

  FakeTimerService clock;
  RecordingSink sink{clock};
  Logger logger{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids{11};
  std::unique_ptr<UserAgent> ua;
  std::optional<CallHandle> incoming;
  int confirmed = 0;
  int answered = 0;
  std::vector<int> provisionals;
  std::vector<EndReason> ended;
  int ended_status = -1;
};

TEST_F(PrackTest, ReliableRingingIsRetransmittedUntilPrackThenTheQueuedAnswerGoesOut) {
  Message ringing = ringing_call("Supported");
  EXPECT_EQ(ringing.header("Require"), "100rel");
  ASSERT_TRUE(ringing.header("RSeq"));
  std::string rseq(*ringing.header("RSeq"));
  ASSERT_FALSE(rseq.empty());
  EXPECT_NE(rseq, "0");
  // The owner answers at once: the 2xx must wait for the PRACK.
  ua->answer(*incoming, "v=0\r\n");
  EXPECT_TRUE(sink.sent.empty());
  clock.advance(ms(75));  // T1, 2T1, 4T1: 10, 30, 70
  EXPECT_EQ(sink.times(), (std::vector<ms>{ms(10), ms(30), ms(70)}));
  for (auto& m : sink.take()) {
    EXPECT_EQ(m.status, 180);
    EXPECT_EQ(m.header("RSeq"), rseq);  // the same response, not a new one
  }
  ua->on_message(prack(ringing, rseq + " 1 INVITE", "z9hG4bKpr1"), udp_peer());
  auto sent = sink.take();
  EXPECT_EQ(start_lines(sent), (std::vector<std::string>{"200 2 PRACK", "200 1 INVITE"}));
  EXPECT_EQ(to_tag(sent.back()), to_tag(ringing));
  clock.advance(ms(300));
  for (auto& m : sink.take()) EXPECT_EQ(m.status, 200);  // no more 180s, only the 2xx
  ua->on_message(make_request("ACK", "z9hG4bKpa1", 1, to_tag(ringing)), udp_peer());
  EXPECT_EQ(confirmed, 1);
  clock.advance(ms(1000));
  EXPECT_TRUE(sink.sent.empty());
  EXPECT_TRUE(ended.empty());
}

TEST_F(PrackTest, PrackThatMatchesNothingGets481AndTheAnswerStillWaits) {
  Message ringing = ringing_call("Require");
  std::uint32_t rseq = std::stoul(std::string(*ringing.header("RSeq")));
  ua->answer(*incoming, "v=0\r\n");
  ua->on_message(prack(ringing, std::to_string(rseq + 1) + " 1 INVITE", "z9hG4bKpr2"), udp_peer());
  ua->on_message(prack(ringing, std::to_string(rseq) + " 7 INVITE", "z9hG4bKpr3"), udp_peer());
  ua->on_message(prack(ringing, "garbage", "z9hG4bKpr4"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()),
            (std::vector<std::string>{"481 2 PRACK", "481 2 PRACK", "400 2 PRACK"}));
  ua->on_message(prack(ringing, std::to_string(rseq) + " 1 INVITE", "z9hG4bKpr5"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"200 2 PRACK", "200 1 INVITE"}));
  // A second PRACK for the same provisional matches nothing any more.
  ua->on_message(prack(ringing, std::to_string(rseq) + " 1 INVITE", "z9hG4bKpr6"), udp_peer());
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"481 2 PRACK"}));
}

TEST_F(PrackTest, NoPrackWithin64T1RejectsTheInviteWith500) {
  ringing_call("Require");
  clock.advance(ms(639));
  auto resent = sink.take();
  EXPECT_EQ(resent.size(), 6u);  // 10, 30, 70, 150, 310, 630
  clock.advance(ms(1));
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"500 1 INVITE"}));
  clock.advance(ms(0));
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kRejected}));
  EXPECT_EQ(ended_status, 500);
}

TEST_F(PrackTest, WithoutOneHundredRelRingingIsPlainAndRequireIsServed) {
  ua->on_message(make_request("INVITE", "z9hG4bKp9"), udp_peer());
  ASSERT_TRUE(incoming);
  ua->ringing(*incoming);
  ua->answer(*incoming, "v=0\r\n");
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent),
            (std::vector<std::string>{"100 1 INVITE", "180 1 INVITE", "200 1 INVITE"}));
  EXPECT_FALSE(sent[1].header("RSeq"));
  EXPECT_FALSE(sent[1].header("Require"));
  EXPECT_NE(sent[2].header("Allow")->find("PRACK"), std::string_view::npos);
  EXPECT_NE(sent[2].header("Supported")->find("100rel"), std::string_view::npos);
}

TEST_F(PrackTest, HangupWhileWaitingForPrackStopsTheRetransmissions) {
  ringing_call("Supported");
  ua->hangup(*incoming);
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"480 1 INVITE"}));
  clock.advance(ms(1000));
  for (auto& m : sink.take()) EXPECT_NE(m.status, 180);
}

TEST_F(PrackTest, UacPracksEachNewReliableProvisionalOnce) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  Message invite = sink.take().at(0);
  EXPECT_EQ(invite.header("Supported"), "100rel");
  auto provisional = [&](int status, const std::string& rseq) {
    Message r = make_response(invite, status, {}, "bob1");
    r.add_header("Contact", "<sip:bob@192.0.2.1:5070>");
    r.add_header("Require", "100rel");
    r.add_header("RSeq", rseq);
    return parse_or_die(r.serialize());
  };
  ua->on_message(provisional(183, "41"), udp_peer());
  auto sent = sink.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"PRACK"}));
  Message pr = sent[0];
  EXPECT_EQ(pr.header("RAck"), "41 1 INVITE");
  EXPECT_EQ(pr.request_uri, "sip:bob@192.0.2.1:5070");  // the early dialog's target
  EXPECT_NE(pr.header("To")->find("tag=bob1"), std::string_view::npos);
  EXPECT_EQ(pr.header("Call-ID"), invite.header("Call-ID"));
  EXPECT_EQ(pr.header("CSeq"), "2 PRACK");
  // The 183 again (the PRACK was lost, say): not PRACKed twice, not passed on twice.
  ua->on_message(provisional(183, "41"), udp_peer());
  EXPECT_TRUE(sink.take().empty());
  // Out of order: dropped.
  ua->on_message(provisional(180, "43"), udp_peer());
  EXPECT_TRUE(sink.take().empty());
  ua->on_message(provisional(180, "42"), udp_peer());
  sent = sink.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"PRACK"}));
  EXPECT_EQ(sent[0].header("RAck"), "42 1 INVITE");
  EXPECT_EQ(sent[0].header("CSeq"), "3 PRACK");
  EXPECT_EQ(provisionals, (std::vector<int>{183, 180}));
  // The PRACK's own 200 changes nothing; the INVITE's 200 is ACKed as usual.
  ua->on_message(parse_or_die(make_response(sent[0], 200).serialize()), udp_peer());
  Message ok = make_response(invite, 200, {}, "bob1");
  ok.add_header("Contact", "<sip:bob@192.0.2.1:5070>");
  ua->on_message(parse_or_die(ok.serialize()), udp_peer());
  EXPECT_EQ(answered, 1);
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"ACK"}));
  ua->hangup(*handle);
  sent = sink.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"BYE"}));
  EXPECT_EQ(sent[0].header("CSeq"), "4 BYE");
}

TEST_F(PrackTest, UacUnreliableProvisionalGetsNoPrack) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  Message invite = sink.take().at(0);
  Message r = make_response(invite, 180, {}, "bob1");
  ua->on_message(parse_or_die(r.serialize()), udp_peer());
  ua->on_message(parse_or_die(r.serialize()), udp_peer());
  EXPECT_TRUE(sink.take().empty());
  EXPECT_EQ(provisionals, (std::vector<int>{180, 180}));
}

}  // namespace
}  // namespace keyline::sip::testing
