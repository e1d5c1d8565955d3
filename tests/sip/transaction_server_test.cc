// RFC 3261 17.2 server transactions, driven as scripts of requests in,
// responses out and time passing.
#include <gtest/gtest.h>

#include "sip/transaction_key.h"
#include "transaction_fixture.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

class ServerTransactionTest : public TransactionTest {
 protected:
  // Receives a request and returns the id the TU was given.
  TransactionId receive(const Message& request, const Peer& from = udp_peer()) {
    std::size_t before = user_.events.size();
    layer_.on_message(request, from);
    if (user_.events.size() == before) return 0;
    return user_.events.back().id;
  }
  Message answer(const Message& request, int status) {
    return make_response(request, status, {}, status > 100 ? "uas1" : "");
  }
};

TEST_F(ServerTransactionTest, InviteGets100AndRetransmissionsGetTheLastResponse) {
  Message invite = make_request("INVITE", "z9hG4bKa1");
  TransactionId id = receive(invite);
  ASSERT_NE(id, 0u);
  EXPECT_EQ(start_lines(sink_.take()), (std::vector<std::string>{"100 1 INVITE"}));
  layer_.on_message(invite, udp_peer());  // retransmission: 100 again, TU not told
  EXPECT_EQ(start_lines(sink_.take()), (std::vector<std::string>{"100 1 INVITE"}));
  ASSERT_TRUE(layer_.respond(id, answer(invite, 180)));
  std::string ringing = sink_.sent.back().bytes;
  sink_.sent.clear();
  layer_.on_message(invite, udp_peer());
  ASSERT_EQ(sink_.sent.size(), 1u);
  EXPECT_EQ(sink_.sent[0].bytes, ringing);  // the very same provisional
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"request"}));
  clock_.advance(ms(60000));  // a provisional is never retransmitted by the transaction
  EXPECT_EQ(sink_.sent.size(), 1u);
}

TEST_F(ServerTransactionTest, DelayedTryingIsSkippedWhenTheTuAnswersFirst) {
  TransactionConfig c = default_config();
  c.trying_delay = ms(200);
  FakeTimerService clock;
  RecordingSink sink(clock);
  RecordingUser user;
  TransactionLayer layer(clock, sink, user, c);
  Message invite = make_request("INVITE", "z9hG4bKd1");
  layer.on_message(invite, udp_peer());
  EXPECT_TRUE(sink.sent.empty());
  clock.advance(ms(199));
  EXPECT_TRUE(sink.sent.empty());
  clock.advance(ms(1));
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"100 1 INVITE"}));

  Message invite2 = make_request("INVITE", "z9hG4bKd2", 1, "", "call-2@test");
  layer.on_message(invite2, udp_peer());
  clock.advance(ms(100));
  ASSERT_TRUE(layer.respond(user.events.back().id, answer(invite2, 180)));
  clock.advance(ms(1000));
  EXPECT_EQ(start_lines(sink.take()), (std::vector<std::string>{"180 1 INVITE"}));
}

TEST_F(ServerTransactionTest, ErrorResponseTimerGCappedAtT2ThenTimerHWithoutAck) {
  Message invite = make_request("INVITE", "z9hG4bKg1");
  TransactionId id = receive(invite);
  sink_.sent.clear();
  ASSERT_TRUE(layer_.respond(id, answer(invite, 486)));
  EXPECT_FALSE(layer_.respond(id, answer(invite, 500)));  // one final response only
  clock_.advance(ms(31999));
  EXPECT_EQ(sink_.times(),
            (std::vector<ms>{ms(0), ms(500), ms(1500), ms(3500), ms(7500), ms(11500), ms(15500),
                             ms(19500), ms(23500), ms(27500), ms(31500)}));
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"request"}));
  clock_.advance(ms(1));  // Timer H
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"request", "ack_timeout"}));
  EXPECT_EQ(user_.events.back().id, id);
  EXPECT_EQ(layer_.size(), 0u);
  EXPECT_EQ(clock_.pending(), 0u);
}

TEST_F(ServerTransactionTest, AckForErrorIsAbsorbedAndStopsRetransmissions) {
  Message invite = make_request("INVITE", "z9hG4bKack1");
  TransactionId id = receive(invite);
  ASSERT_TRUE(layer_.respond(id, answer(invite, 404)));
  clock_.advance(ms(600));  // one retransmission at 500
  sink_.sent.clear();
  Message ack = make_request("ACK", "z9hG4bKack1", 1, "uas1");
  layer_.on_message(ack, udp_peer());
  layer_.on_message(ack, udp_peer());                               // Confirmed: absorbed too
  layer_.on_message(invite, udp_peer());                            // and so is the INVITE
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"request"}));  // no ACK for the TU
  clock_.advance(ms(4999));
  EXPECT_TRUE(sink_.sent.empty());
  EXPECT_EQ(layer_.size(), 1u);
  clock_.advance(ms(1));  // Timer I = T4
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(ServerTransactionTest, TwoxxIsNotRetransmittedAndItsAckGoesToTheTu) {
  Message invite = make_request("INVITE", "z9hG4bKok1");
  TransactionId id = receive(invite);
  sink_.sent.clear();
  ASSERT_TRUE(layer_.respond(id, answer(invite, 200)));
  layer_.on_message(invite, udp_peer());  // Accepted: a retransmitted INVITE is absorbed
  clock_.advance(ms(10000));
  EXPECT_EQ(sink_.sent.size(), 1u);  // the TU, not the transaction, repeats a 2xx
  // The ACK for a 2xx is a transaction of its own (new branch): the TU's.
  layer_.on_message(make_request("ACK", "z9hG4bKok1-ack", 1, "uas1"), udp_peer());
  // An ACK reusing the INVITE's branch still reaches the TU in Accepted.
  layer_.on_message(make_request("ACK", "z9hG4bKok1", 1, "uas1"), udp_peer());
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"request", "ack", "ack"}));
  clock_.advance(ms(22000));  // Timer L = 64*T1
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(ServerTransactionTest, NonInviteAbsorbsUntilAnsweredThenRepeatsUntilTimerJ) {
  Message bye = make_request("BYE", "z9hG4bKbye1", 2, "uas1");
  TransactionId id = receive(bye);
  layer_.on_message(bye, udp_peer());  // Trying: nothing to repeat yet
  EXPECT_TRUE(sink_.sent.empty());
  ASSERT_TRUE(layer_.respond(id, answer(bye, 200)));
  layer_.on_message(bye, udp_peer());
  layer_.on_message(bye, udp_peer());
  EXPECT_EQ(start_lines(sink_.take()),
            (std::vector<std::string>{"200 2 BYE", "200 2 BYE", "200 2 BYE"}));
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"request"}));
  clock_.advance(ms(31999));
  EXPECT_EQ(layer_.size(), 1u);
  clock_.advance(ms(1));  // Timer J = 64*T1
  EXPECT_EQ(layer_.size(), 0u);
  layer_.on_message(bye, udp_peer());  // now it is new to the layer again
  EXPECT_EQ(user_.kinds(), (std::vector<std::string>{"request", "request"}));
}

TEST_F(ServerTransactionTest, NonInviteProvisionalIsRepeatedForRetransmissions) {
  Message info = make_request("INFO", "z9hG4bKinfo", 3, "uas1");
  TransactionId id = receive(info);
  ASSERT_TRUE(layer_.respond(id, answer(info, 100)));
  layer_.on_message(info, udp_peer());
  EXPECT_EQ(start_lines(sink_.take()), (std::vector<std::string>{"100 3 INFO", "100 3 INFO"}));
  ASSERT_TRUE(layer_.respond(id, answer(info, 200)));
  EXPECT_FALSE(layer_.respond(id, answer(info, 200)));
}

TEST_F(ServerTransactionTest, ReliableTransportHasNoRetransmissionsAndZeroTimers) {
  Message invite = make_request("INVITE", "z9hG4bKt1");
  TransactionId id = receive(invite, tcp_peer());
  ASSERT_TRUE(layer_.respond(id, answer(invite, 486)));
  sink_.sent.clear();
  clock_.advance(ms(20000));
  EXPECT_TRUE(sink_.sent.empty());  // no Timer G over TCP
  layer_.on_message(make_request("ACK", "z9hG4bKt1", 1, "uas1"), tcp_peer());
  EXPECT_EQ(layer_.size(), 0u);  // Timer I = 0

  Message bye = make_request("BYE", "z9hG4bKt2", 2, "uas1");
  id = receive(bye, tcp_peer());
  ASSERT_TRUE(layer_.respond(id, answer(bye, 200)));
  EXPECT_EQ(layer_.size(), 0u);  // Timer J = 0
  EXPECT_EQ(clock_.pending(), 0u);
}

TEST_F(ServerTransactionTest, TimerHStillRunsOverTcp) {
  Message invite = make_request("INVITE", "z9hG4bKt3");
  TransactionId id = receive(invite, tcp_peer());
  ASSERT_TRUE(layer_.respond(id, answer(invite, 486)));
  clock_.advance(ms(32000));
  EXPECT_EQ(user_.kinds().back(), "ack_timeout");
  EXPECT_EQ(layer_.size(), 0u);
}

TEST_F(ServerTransactionTest, CancelMatchesItsInviteByBranchAndSentBy) {
  Message invite = make_request("INVITE", "z9hG4bKc1");
  TransactionId invite_id = receive(invite);
  TransactionId cancel_id = receive(make_request("CANCEL", "z9hG4bKc1"));
  ASSERT_EQ(user_.events.back().kind, "cancel");
  EXPECT_EQ(user_.events.back().invite, invite_id);
  EXPECT_NE(cancel_id, invite_id);  // a transaction of its own
  // Another branch, or another sent-by, names no INVITE.
  receive(make_request("CANCEL", "z9hG4bKc2"));
  EXPECT_EQ(user_.events.back().invite, 0u);
  receive(make_request("CANCEL", "z9hG4bKc1", 1, "", "call-1@test", "192.0.2.77:5060"));
  EXPECT_EQ(user_.events.back().invite, 0u);
  // The CANCEL's retransmission is absorbed by its own transaction.
  ASSERT_TRUE(layer_.respond(cancel_id, answer(make_request("CANCEL", "z9hG4bKc1"), 200)));
  sink_.sent.clear();
  std::size_t events = user_.events.size();
  layer_.on_message(make_request("CANCEL", "z9hG4bKc1"), udp_peer());
  EXPECT_EQ(user_.events.size(), events);
  EXPECT_EQ(start_lines(sink_.take()), (std::vector<std::string>{"200 1 CANCEL"}));
}

TEST_F(ServerTransactionTest, TuMayRespondFromInsideItsCallback) {
  user_.on_request_hook = [this](TransactionId id, const Message& m) {
    EXPECT_TRUE(layer_.respond(id, answer(m, 603)));
  };
  Message invite = make_request("INVITE", "z9hG4bKr1");
  layer_.on_message(invite, udp_peer());
  // Answered inside the callback: no 100 Trying before the 603.
  EXPECT_EQ(start_lines(sink_.take()), (std::vector<std::string>{"603 1 INVITE"}));
  Message options = make_request("OPTIONS", "z9hG4bKr2");
  layer_.on_message(options, tcp_peer());  // terminated inside the callback (Timer J = 0)
  EXPECT_EQ(layer_.size(), 1u);            // only the INVITE is left
}

TEST_F(ServerTransactionTest, Rfc2543BranchesFallBackToDialogFields) {
  Message invite = make_request("INVITE", "oldstyle1");
  TransactionId id = receive(invite);
  ASSERT_NE(id, 0u);
  layer_.on_message(invite, udp_peer());
  EXPECT_EQ(user_.events.size(), 1u);  // the retransmission matched
  ASSERT_TRUE(layer_.respond(id, answer(invite, 486)));
  layer_.on_message(make_request("ACK", "oldstyle1", 1, "uas1"), udp_peer());
  EXPECT_EQ(user_.events.size(), 1u);  // the ACK matched the INVITE and was absorbed
  receive(make_request("CANCEL", "oldstyle1"));
  EXPECT_EQ(user_.events.back().invite, id);
  // Another CSeq is another transaction.
  receive(make_request("INVITE", "oldstyle1", 2));
  EXPECT_EQ(user_.events.back().kind, "request");
}

TEST(TransactionKeyTest, ServerKeysFollowRfc3261Section17_2_3) {
  Message a = make_request("INVITE", "z9hG4bKk1", 1, "", "c", "Host.Example.COM:5060");
  Message b = make_request("INVITE", "z9hG4bKk1", 1, "", "c", "host.example.com:5060");
  EXPECT_EQ(server_transaction_key(a, "INVITE"), server_transaction_key(b, "INVITE"));
  Message c = make_request("INVITE", "z9hG4bKk1", 1, "", "c", "host.example.com:5070");
  EXPECT_NE(server_transaction_key(a, "INVITE"), server_transaction_key(c, "INVITE"));
  Message ack = make_request("ACK", "z9hG4bKk1", 1, "t", "c", "host.example.com:5060");
  EXPECT_EQ(server_transaction_key(ack, "INVITE"), server_transaction_key(a, "INVITE"));
  EXPECT_NE(server_transaction_key(a, "CANCEL"), server_transaction_key(a, "INVITE"));
}

TEST(TransactionKeyTest, ClientKeysUseBranchAndCSeqMethod) {
  Message invite = make_request("INVITE", "z9hG4bKk2");
  Message cancel = make_request("CANCEL", "z9hG4bKk2");
  EXPECT_NE(client_transaction_key(invite), client_transaction_key(cancel));
  Message ok = make_response(invite, 200, {}, "x");
  EXPECT_EQ(client_transaction_key(ok), client_transaction_key(invite));
}

}  // namespace
}  // namespace keyline::sip::testing
