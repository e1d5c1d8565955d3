// Where a SIP message came from or goes to. Kept apart from transport.h so
// the pure engines (transactions, user agent) name peers without seeing
// sockets.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "io/endpoint.h"

namespace keyline::io {
class Stream;
}

namespace keyline::sip {

enum class TransportKind { kUdp, kTcp, kTls };

// For TCP and TLS the connection a request arrived on is reused for
// responses and in-dialog requests (RFC 3261 18.2.2).
struct Peer {
  TransportKind kind = TransportKind::kUdp;
  io::Endpoint endpoint;
  std::weak_ptr<io::Stream> connection;
  std::string_view transport_name() const {
    switch (kind) {
      case TransportKind::kUdp:
        return "UDP";
      case TransportKind::kTcp:
        return "TCP";
      case TransportKind::kTls:
        return "TLS";
    }
    return "UDP";
  }
  bool secure() const { return kind == TransportKind::kTls; }
  // Reliable transports carry no retransmissions (RFC 3261 17.1.1.2, 17.1.2.2).
  bool reliable() const { return kind != TransportKind::kUdp; }
};

// Where the transaction layer and the user agent hand finished bytes.
class TransportSink {
 public:
  virtual ~TransportSink() = default;
  // False when the bytes could not be handed to the network (RFC 3261 8.1.3.1
  // treats that like a 503 for a request).
  virtual bool send_raw(const std::string& bytes, const Peer& to) = 0;
};

}  // namespace keyline::sip
