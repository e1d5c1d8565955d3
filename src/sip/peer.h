// Where a SIP message came from or goes to. Kept apart from transport.h so
// the pure engines (transactions, user agent) name peers without seeing
// sockets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/endpoint.h"

namespace keyline::io {
class Stream;
}

namespace keyline::sip {

enum class TransportKind { kUdp, kTcp, kTls };

// A stream connection that another thread's transport holds: a message received there was
// handed to the thread that owns its dialog (docs/sip.md, "Workers"). Only the holder may touch
// the connection, so what is sent to such a peer goes back to the holder, which finds the
// connection by its id (or, if it has closed meanwhile, reaches the peer another way).
struct HeldConnection {
  std::size_t holder = 0;  // which transport (worker) holds it
  std::uint64_t id = 0;    // that transport's id of the connection
};

// For TCP and TLS the connection a request arrived on is reused for
// responses and in-dialog requests (RFC 3261 18.2.2).
struct Peer {
  TransportKind kind = TransportKind::kUdp;
  io::Endpoint endpoint;
  std::weak_ptr<io::Stream> connection;  // set on the thread whose transport holds it
  std::uint64_t connection_id = 0;       // that transport's id of `connection` (0: none)
  std::optional<HeldConnection> held_elsewhere;
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
