// The client transaction state machines of RFC 3261 17.1: INVITE (Timers A,
// B, D; with the RFC 6026 Accepted state and Timer M) and non-INVITE (E, F,
// K). A transaction only changes state, sends bytes and arms timers; the
// layer tells the TU what the return values say, and destroys terminated
// transactions, so no transaction ever calls out into code that could
// destroy it.
#pragma once

#include <optional>
#include <string>

#include "sip/message.h"
#include "sip/peer.h"
#include "sip/transaction.h"
#include "sip/transaction_env.h"

namespace keyline::sip {

class ClientTransaction {
 public:
  enum class State { kCalling, kTrying, kProceeding, kCompleted, kAccepted, kTerminated };

  ClientTransaction(TransactionEnv& env, TransactionId id, std::string key, Message request,
                    Peer peer);

  // Sends the request and arms A+B (INVITE) or E+F. A transport failure is
  // reported through on_timer(kTimeout) on the next turn, as a 503.
  void start();

  // True when the TU should see this response.
  bool on_response(const Message& response);

  // A timer slot fired. Returns the response the TU should see in place of
  // one from the peer (408 on Timer B/F, 503 on a transport error).
  struct Synthesized {
    Message response;
    ResponseOrigin origin;
  };
  std::optional<Synthesized> on_timer(TxTimer slot);

  // RFC 3261 9.1: a CANCEL may only follow a provisional response.
  void request_cancel() { cancel_requested_ = true; }
  bool wants_cancel_now() const {
    return cancel_requested_ && !cancel_sent_ && state_ == State::kProceeding;
  }
  // The CANCEL went out: give the peer 64*T1 to send a final response, then
  // consider the INVITE cancelled (RFC 3261 9.1).
  void on_cancel_sent();

  TransactionId id() const { return id_; }
  const std::string& key() const { return key_; }
  const Message& request() const { return request_; }
  const Peer& peer() const { return peer_; }
  State state() const { return state_; }
  bool is_invite() const { return invite_; }
  bool terminated() const { return state_ == State::kTerminated; }

 private:
  void send_request();
  void complete(Millis linger);
  Synthesized synthesize(int status, ResponseOrigin origin);

  TransactionEnv& env_;
  TransactionId id_;
  std::string key_;
  Message request_;
  std::string bytes_;      // the request as sent, for retransmissions
  std::string ack_bytes_;  // INVITE: our ACK for a non-2xx final, resent on its retransmissions
  Peer peer_;
  bool invite_;
  State state_;
  Millis interval_;
  TxTimers timers_;
  bool cancel_requested_ = false;
  bool cancel_sent_ = false;
  bool transport_failed_ = false;
};

// RFC 3261 9.1: CANCEL for `invite` (same Request-URI, Call-ID, From, To,
// CSeq number and top Via, and its Route headers).
Message make_cancel(const Message& invite);

// RFC 3261 17.1.1.3: the ACK for a non-2xx final response, part of the
// INVITE transaction (same top Via branch), with the response's To.
Message make_ack_for_error(const Message& invite, const Message& response);

}  // namespace keyline::sip
