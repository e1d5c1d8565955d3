// Types shared by the RFC 3261 §17 transaction layer and its user (the UA):
// ids, timer values, and the interface through which the layer reports to
// the transaction user (TU).
#pragma once

#include <cstdint>

#include "base/clock.h"
#include "sip/message.h"
#include "sip/peer.h"

namespace keyline::sip {

// Names one transaction for the TU. Never reused within a layer; 0 is "none".
using TransactionId = std::uint64_t;

struct TransactionConfig {
  Millis t1{500};   // RTT estimate: first retransmission interval
  Millis t2{4000};  // cap on non-INVITE request and INVITE response retransmission intervals
  Millis t4{5000};  // how long the network may still hold a message
  // Timer D: how long an INVITE client transaction absorbs retransmitted
  // final responses over UDP. RFC 3261 17.1.1.2 wants at least 32 s; it is
  // not derived from T1 because the peer's T1 may be the default.
  Millis timer_d{32000};
  // The INVITE server transaction sends 100 Trying this long after the
  // request unless the TU responded first (RFC 3261 17.2.1 allows skipping
  // it when the TU responds within 200 ms). 0, the default, sends it as soon
  // as the TU has seen the INVITE, unless the TU responded from inside that
  // callback (an immediate rejection needs no 100 before it); otherwise at
  // once, since our TU may take longer than 200 ms (ringing, media setup).
  Millis trying_delay{0};
};

// Why the layer made up a response instead of receiving one.
enum class ResponseOrigin {
  kPeer,            // received from the network
  kTimeout,         // Timer B / F, or no final answer 64*T1 after CANCEL: a 408
  kTransportError,  // the request could not be sent: a 503 (RFC 3261 8.1.3.1)
};

class TransactionUser {
 public:
  virtual ~TransactionUser() = default;

  // A new request (never ACK, never CANCEL, never a retransmission) in a new
  // server transaction; answer it with TransactionLayer::respond(server, ...).
  virtual void on_request(TransactionId server, const Message& request, const Peer& from) = 0;

  // A new CANCEL in its own server transaction (answer it with respond()),
  // with the INVITE server transaction it matches (RFC 3261 9.2), or 0.
  virtual void on_cancel(TransactionId cancel, TransactionId invite, const Message& request,
                         const Peer& from) = 0;

  // An ACK no transaction absorbed: the ACK for a 2xx, which belongs to the
  // dialog (RFC 3261 13.3.1.4, RFC 6026), or a stray one.
  virtual void on_ack(const Message& ack, const Peer& from) = 0;

  // A response for a client transaction the TU started: provisional, final,
  // and retransmitted 2xx to an INVITE (RFC 6026 Accepted state), or one
  // made up by the layer (see ResponseOrigin). Retransmitted non-2xx finals
  // are absorbed (the layer itself ACKs them for INVITE).
  virtual void on_response(TransactionId client, const Message& response,
                           ResponseOrigin origin) = 0;

  // A response that matches no client transaction. A UAC must still ACK a
  // retransmitted 2xx after its INVITE transaction is gone.
  virtual void on_stray_response(const Message& response, const Peer& from) = 0;

  // Timer H: our non-2xx final response to an INVITE was never acknowledged.
  virtual void on_ack_timeout(TransactionId server) = 0;
};

}  // namespace keyline::sip
