// The RFC 3261 §17 transaction layer: matches every message to its
// transaction, runs the four state machines, and reports to one TU.
//
// A pure engine: bytes leave through a TransportSink, time comes from a
// TimerService; no sockets, no event loop. Tests drive it as scripts of
// "message in / bytes out / time passes".
//
// Not handled here, on purpose (RFC 3261 13.3.1.4, RFC 6026): retransmitting
// a 2xx to INVITE and ACKing a 2xx belong to the TU (the dialog), because
// they must reach the peer end to end. So the layer passes ACKs for 2xx and
// 2xx retransmissions to the TU, and lets the TU send bytes of its own
// through the same sink.
//
// Re-entrancy: the TU may call any method from inside a callback. The layer
// never holds an iterator across a callback and destroys terminated
// transactions only after the callback returned.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>

#include "base/result.h"
#include "sip/client_transaction.h"
#include "sip/message.h"
#include "sip/peer.h"
#include "sip/server_transaction.h"
#include "sip/timer_service.h"
#include "sip/transaction.h"
#include "sip/transaction_env.h"

namespace keyline::sip {

class TransactionLayer final : private TxTimerTarget {
 public:
  TransactionLayer(TimerService& timers, TransportSink& sink, TransactionUser& user,
                   TransactionConfig config);
  ~TransactionLayer() override;
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  // Every well-formed message from the transport.
  void on_message(const Message& message, const Peer& from);

  // Starts a client transaction. The request must already carry its own Via
  // with a unique z9hG4bK branch (the TU makes it). Fails without one, or for
  // ACK (an ACK for a 2xx is sent by the TU directly; one for a non-2xx by the
  // INVITE transaction itself).
  Result<TransactionId> send_request(Message request, const Peer& to);

  // Cancels an INVITE client transaction (RFC 3261 9.1): the CANCEL goes out
  // now if a provisional response has arrived, otherwise as soon as one does.
  // False when there is nothing left to cancel (no such transaction, or a
  // final response has already arrived).
  bool cancel(TransactionId invite);

  // The TU's response within a server transaction. False when the
  // transaction is gone or its state admits no such response.
  bool respond(TransactionId server, const Message& response);

  std::size_t size() const { return clients_.size() + servers_.size(); }
  const TransactionConfig& config() const { return config_; }

 private:
  void on_transaction_timer(std::uint64_t packed) override;
  void on_request(const Message& request, const Peer& from);
  void on_response(const Message& response, const Peer& from);
  void send_cancel(ClientTransaction& invite);
  void reap_client(TransactionId id);
  void reap_server(TransactionId id);
  ClientTransaction* client(TransactionId id);
  ServerTransaction* server(TransactionId id);

  TransactionConfig config_;
  TransactionUser& user_;
  TransactionEnv env_;
  TransactionId next_id_ = 1;
  // Declared after env_: transactions cancel their timers through it when
  // they are destroyed.
  std::unordered_map<TransactionId, std::unique_ptr<ClientTransaction>> clients_;
  std::unordered_map<TransactionId, std::unique_ptr<ServerTransaction>> servers_;
  std::unordered_map<std::string, TransactionId> client_keys_;
  std::unordered_map<std::string, TransactionId> server_keys_;
};

}  // namespace keyline::sip
