// RFC 3261 17.1 client transactions, driven as scripts: a request goes out,
// responses come in, the fake clock moves, and the test checks exactly what
// was sent when and what the TU was told.
#include <gtest/gtest.h>

#include "transaction_fixture.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

class ClientTransactionTest : public TransactionTest {};

TEST_F(ClientTransactionTest, InviteTimerADoublesWithoutCapThenTimerBGives408) {
  auto id = layer_.send_request(our_request("INVITE", "z9hG4bKinv1"), udp_peer());
  ASSERT_TRUE(id);
  clock_.advance(ms(31999));
  // Timer A: T1, 2T1, 4T1, ... — not capped at T2 (the 8 s and 16 s gaps).
  EXPECT_EQ(sink_.times(),
            (std::vector<ms>{ms(0), ms(500), ms(1500), ms(3500), ms(7500), ms(15500), ms(31500)}));
  EXPECT_TRUE(user_.events.empty());
  clock_.advance(ms(1));  // Timer B = 64*T1
  ASSERT_EQ(user_.kinds(), (std::vector<std::string>{"response 408"}));
  EXPECT_EQ(user_.events[0].id, *id);
  EXPECT_EQ(user_.events[0].origin, ResponseOrigin::kTimeout);
  EXPECT_EQ(layer_.size(), 0u);
  EXPECT_EQ(clock_.pending(), 0u);  // no timer left behind
}

TEST_F(ClientTransactionTest, NonInviteTimerECappedAtT2ThenTimerFGives408) {
  ASSERT_TRUE(layer_.send_request(our_request("BYE", "z9hG4bKbye1"), udp_peer()));
  clock_.advance(ms(31999));
  EXPECT_EQ(sink_.times(),
            (std::vector<ms>{ms(0), ms(500), ms(1500), ms(3500), ms(7500), ms(11500), ms(15500),
                             ms(19500), ms(23500), ms(27500), ms(31500)}));
  clock_.advance(ms(1));
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"response 408"}));
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(ClientTransactionTest, NonInviteRetransmitsEveryT2OnceProceeding) {
  Message bye = our_request("BYE", "z9hG4bKbye2");
  ASSERT_TRUE(layer_.send_request(bye, udp_peer()));
  clock_.advance(ms(100));
  layer_.on_message(response_to(bye, 180), udp_peer());
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"response 180"}));
  sink_.sent.clear();
  clock_.advance(ms(400));  // Timer E at 500 still fires, then every T2
  clock_.advance(ms(8000));
  EXPECT_EQ(sink_.times(), (std::vector<ms>{ms(500), ms(4500), ms(8500)}));
  layer_.on_message(response_to(bye, 200), udp_peer());
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"response 180", "response 200"}));
  // Completed: retransmitted finals absorbed; Timer K = T4.
  layer_.on_message(response_to(bye, 200), udp_peer());
  EXPECT_EQ(user_.events.size(), 2u);
  clock_.advance(ms(4999));
  EXPECT_EQ(layer_.size(), 1u);
  clock_.advance(ms(1));
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(ClientTransactionTest, InviteErrorIsAckedByTheTransactionAndRetransmissionsAbsorbed) {
  Message invite = our_request("INVITE", "z9hG4bKinv2");
  ASSERT_TRUE(layer_.send_request(invite, udp_peer()));
  layer_.on_message(response_to(invite, 100), udp_peer());
  clock_.advance(ms(5000));  // provisional: no more Timer A
  EXPECT_EQ(sink_.sent.size(), 1u);
  sink_.sent.clear();
  layer_.on_message(response_to(invite, 486), udp_peer());
  auto sent = sink_.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"ACK"}));
  // RFC 3261 17.1.1.3: same branch, same Request-URI, the response's To.
  EXPECT_NE(sent[0].header("Via")->find("branch=z9hG4bKinv2"), std::string::npos);
  EXPECT_EQ(sent[0].request_uri, invite.request_uri);
  EXPECT_NE(sent[0].header("To")->find("tag=bob1"), std::string::npos);
  EXPECT_EQ(*sent[0].header("CSeq"), "1 ACK");
  // The retransmitted 486 gets the ACK again and stays from the TU.
  layer_.on_message(response_to(invite, 486), udp_peer());
  EXPECT_EQ(start_lines(sink_.take()), (std::vector<std::string>{"ACK"}));
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"response 100", "response 486"}));
  clock_.advance(ms(32000));  // Timer D
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(ClientTransactionTest, Invite2xxRetransmissionsReachTheTuUntilTimerM) {
  Message invite = our_request("INVITE", "z9hG4bKinv3");
  auto id = layer_.send_request(invite, udp_peer());
  ASSERT_TRUE(id);
  layer_.on_message(response_to(invite, 200), udp_peer());
  layer_.on_message(response_to(invite, 200), udp_peer());
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"response 200", "response 200"}));
  EXPECT_EQ(user_.events[1].id, *id);
  EXPECT_EQ(sink_.sent.size(), 1u);  // no ACK from the transaction: the TU ACKs a 2xx
  clock_.advance(ms(32000));         // Timer M = 64*T1 (RFC 6026)
  EXPECT_EQ(layer_.size(), 0u);
  // Afterwards, a retransmitted 2xx is a stray the TU still has to ACK.
  layer_.on_message(response_to(invite, 200), udp_peer());
  EXPECT_EQ(user_.kinds().back(), "stray 200");
}

TEST_F(ClientTransactionTest, ReliableTransportHasNoRetransmissionsAndNoLinger) {
  Message invite = our_request("INVITE", "z9hG4bKinv4");
  ASSERT_TRUE(layer_.send_request(invite, tcp_peer()));
  clock_.advance(ms(31999));
  EXPECT_EQ(sink_.sent.size(), 1u);  // no Timer A over TCP
  clock_.advance(ms(1));
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"response 408"}));  // Timer B still runs

  Message options = our_request("OPTIONS", "z9hG4bKopt1");
  ASSERT_TRUE(layer_.send_request(options, tcp_peer()));
  layer_.on_message(response_to(options, 200), tcp_peer());
  EXPECT_EQ(layer_.size(), 0u);  // Timer K = 0

  Message invite2 = our_request("INVITE", "z9hG4bKinv5", 2);
  ASSERT_TRUE(layer_.send_request(invite2, tcp_peer()));
  sink_.sent.clear();
  layer_.on_message(response_to(invite2, 603), tcp_peer());
  EXPECT_EQ(start_lines(sink_.take()), (std::vector<std::string>{"ACK"}));
  EXPECT_EQ(layer_.size(), 0u);  // Timer D = 0
  EXPECT_EQ(clock_.pending(), 0u);
}

TEST_F(ClientTransactionTest, ResponsesMatchByBranchAndCSeqMethod) {
  Message invite = our_request("INVITE", "z9hG4bKsame");
  Message bye = our_request("BYE", "z9hG4bKother", 2);
  auto invite_id = layer_.send_request(invite, udp_peer());
  auto bye_id = layer_.send_request(bye, udp_peer());
  ASSERT_TRUE(invite_id && bye_id);
  layer_.on_message(response_to(invite, 180), udp_peer());
  ASSERT_TRUE(layer_.cancel(*invite_id));
  // The CANCEL shares the INVITE's branch; its 200 must not reach the INVITE.
  auto sent = sink_.take();
  ASSERT_EQ(start_lines(sent).back(), "CANCEL");
  Message cancel = sent.back();
  layer_.on_message(response_to(cancel, 200), udp_peer());
  layer_.on_message(response_to(bye, 200), udp_peer());
  layer_.on_message(response_to(invite, 487), udp_peer());
  ASSERT_EQ(user_.events.size(), 4u);
  EXPECT_EQ(user_.events[0].id, *invite_id);
  EXPECT_NE(user_.events[1].id, *invite_id);  // the CANCEL's transaction
  EXPECT_EQ(*user_.events[1].message.header("CSeq"), "1 CANCEL");
  EXPECT_EQ(user_.events[2].id, *bye_id);
  EXPECT_EQ(user_.events[3].id, *invite_id);
  EXPECT_EQ(user_.events[3].status, 487);
  // A response to something we never sent goes to the TU as a stray.
  layer_.on_message(response_to(our_request("INFO", "z9hG4bKnever"), 200), udp_peer());
  EXPECT_EQ(user_.kinds().back(), "stray 200");
}

TEST_F(ClientTransactionTest, CancelWaitsForAProvisionalThenGivesUpAfter64T1) {
  Message invite = our_request("INVITE", "z9hG4bKinv6");
  auto id = layer_.send_request(invite, udp_peer());
  ASSERT_TRUE(id);
  sink_.sent.clear();
  EXPECT_TRUE(layer_.cancel(*id));
  EXPECT_TRUE(sink_.sent.empty());  // RFC 3261 9.1: not before a provisional
  clock_.advance(ms(100));
  layer_.on_message(response_to(invite, 100), udp_peer());
  auto sent = sink_.take();
  ASSERT_EQ(start_lines(sent), (std::vector<std::string>{"CANCEL"}));
  EXPECT_NE(sent[0].header("Via")->find("branch=z9hG4bKinv6"), std::string::npos);
  EXPECT_EQ(*sent[0].header("CSeq"), "1 CANCEL");
  EXPECT_EQ(sent[0].request_uri, invite.request_uri);
  layer_.on_message(response_to(sent[0], 200), udp_peer());
  // No 487 ever comes: 64*T1 after the CANCEL the INVITE is given up.
  clock_.advance(ms(31999));
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"response 100", "response 200"}));
  clock_.advance(ms(1));
  EXPECT_EQ(user_.kinds().back(), "response 408");
  EXPECT_EQ(user_.events.back().id, *id);
  // Nothing left to cancel.
  EXPECT_FALSE(layer_.cancel(*id));
}

TEST_F(ClientTransactionTest, TransportErrorIsA503OnTheNextTurn) {
  sink_.fail = true;
  auto id = layer_.send_request(our_request("OPTIONS", "z9hG4bKopt2"), udp_peer());
  ASSERT_TRUE(id);
  EXPECT_TRUE(user_.events.empty());  // never from inside send_request()
  clock_.advance(ms(0));
  ASSERT_EQ(user_.kinds(), (std::vector<std::string>{"response 503"}));
  EXPECT_EQ(user_.events[0].origin, ResponseOrigin::kTransportError);
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(ClientTransactionTest, RefusesAckAndRequestsWithoutBranchOrReusedBranch) {
  EXPECT_FALSE(layer_.send_request(our_request("ACK", "z9hG4bKack"), udp_peer()));
  ASSERT_TRUE(layer_.send_request(our_request("OPTIONS", "z9hG4bKdup"), udp_peer()));
  EXPECT_FALSE(layer_.send_request(our_request("OPTIONS", "z9hG4bKdup"), udp_peer()));
  Message no_branch = parse_or_die(
      "OPTIONS sip:a@192.0.2.9 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9\r\nFrom: <sip:b@x>;tag=1\r\n"
      "To: <sip:a@x>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
  EXPECT_FALSE(layer_.send_request(no_branch, udp_peer()));
}

}  // namespace
}  // namespace keyline::sip::testing
