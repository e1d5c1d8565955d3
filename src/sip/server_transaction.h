// The server transaction state machines of RFC 3261 17.2: INVITE (Timers G,
// H, I; with the RFC 6026 Accepted state and Timer L, so 2xx responses are
// retransmitted by the TU and ACKs for them reach the TU) and non-INVITE (J).
// As with ClientTransaction, the layer acts on the return values and
// destroys terminated transactions.
#pragma once

#include <optional>
#include <string>

#include "sip/message.h"
#include "sip/peer.h"
#include "sip/transaction.h"
#include "sip/transaction_env.h"

namespace keyline::sip {

class ServerTransaction {
 public:
  enum class State { kTrying, kProceeding, kCompleted, kConfirmed, kAccepted, kTerminated };

  ServerTransaction(TransactionEnv& env, TransactionId id, std::string key, const Message& request,
                    Peer peer);

  // INVITE, before the TU sees the request: arms the delayed 100 Trying
  // (TransactionConfig::trying_delay), if there is one.
  void start(const Message& request);
  // INVITE, after the TU has seen the request: without a delay, sends
  // 100 Trying now unless the TU has responded already.
  void after_tu(const Message& request);

  // The request arrived again: resend the last response, or absorb it.
  void on_retransmission();

  // An ACK matched this (INVITE) transaction. True: pass it to the TU (the
  // ACK for a 2xx, in Accepted); an ACK for our non-2xx final is absorbed.
  bool on_ack();

  // The TU's response. False when the state admits none (e.g. a second
  // final response), and nothing is sent.
  bool respond(const Message& response);

  // A timer slot fired. True when the TU must hear of it (Timer H).
  bool on_timer(TxTimer slot);

  TransactionId id() const { return id_; }
  const std::string& key() const { return key_; }
  const Peer& peer() const { return peer_; }
  State state() const { return state_; }
  bool is_invite() const { return invite_; }
  bool terminated() const { return state_ == State::kTerminated; }

 private:
  void send(std::string bytes);
  void send_trying();
  void linger(Millis delay);

  TransactionEnv& env_;
  TransactionId id_;
  std::string key_;
  Peer peer_;
  bool invite_;
  State state_;
  Millis interval_;
  TxTimers timers_;
  std::string last_response_;
  // Kept only while a delayed 100 Trying is pending.
  std::optional<Message> request_for_trying_;
};

}  // namespace keyline::sip
