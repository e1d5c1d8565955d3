// SIP over UDP, TCP and TLS: receives datagrams / stream bytes from io sockets,
// frames and parses them, answers what cannot be parsed (400 / 505 or drop),
// and hands well-formed messages to the user agent. The only SIP code that
// sees sockets.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "io/endpoint.h"
#include "io/event_loop.h"
#include "io/tcp.h"
#include "io/tls.h"
#include "io/udp_socket.h"
#include "sip/connection_count.h"
#include "sip/message.h"
#include "sip/peer.h"

namespace keyline::sip {

struct TransportConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5060;  // 0 = any free port (UDP and TCP then share the number)
  bool udp = true;
  bool tcp = true;
  // SIP over TLS (RFC 3261 26.2, RFC 5630). With a server context the
  // transport listens on tls_port (0: any free port); the client context
  // opens outgoing TLS connections (verified against tls_server_name, or
  // the peer's IP address when that is empty).
  std::shared_ptr<io::TlsContext> tls_server;
  std::uint16_t tls_port = 5061;
  std::shared_ptr<io::TlsContext> tls_client;
  std::string tls_server_name;
  // Stream connections (TCP, TLS) that carry no bytes either way for this
  // long are closed, so abandoned peers do not hold file descriptors
  // forever; 0 = never. Peers that want a quiet connection kept open send
  // RFC 5626 CRLFCRLF pings, which count as traffic (and get a CRLF pong).
  Millis idle_timeout{300000};
  // Inbound connections beyond these are closed at accept (0 = no limit).
  // Outgoing connections Keyline opens itself count towards the total only.
  std::size_t max_connections = 0;
  std::size_t max_connections_per_source = 0;  // per source IP address
  // One transport per worker thread: every worker's sockets share the SIP ports
  // (SO_REUSEPORT) and the kernel spreads datagrams and connections over them. The first
  // worker (join_group false) checks first that no other program holds a fixed port, since
  // SO_REUSEPORT would otherwise let two servers of one user split the traffic silently.
  bool reuse_port = false;
  bool join_group = false;
  // The SIP UDP socket's kernel receive buffer (0: the system default). All of a trunk's
  // datagrams come from one address, so they land on one worker's socket; the buffer is
  // what absorbs a burst while that worker is busy.
  std::size_t udp_receive_buffer = 0;
  // Shared by every worker's transport: the connection limits count them all. Null: this
  // transport counts its own.
  std::shared_ptr<ConnectionCount> connection_count;
};

// Counters of the stream connection table, read by the worker that owns the
// transport.
struct TransportStats {
  std::uint64_t connections_refused = 0;  // closed at accept by a limit
  std::uint64_t idle_closed = 0;          // closed by the idle timeout
  std::uint64_t keepalive_pongs = 0;      // CRLF answers to CRLFCRLF pings
};

class Transport final : public TransportSink {
 public:
  using MessageHandler = std::function<void(Message message, const Peer& from)>;

  static Result<std::unique_ptr<Transport>> create(io::EventLoop& loop,
                                                   const TransportConfig& config,
                                                   MessageHandler handler, Logger& logger);
  ~Transport() override;

  // Runs for every received message (and every accepted connection) before
  // parsing; false drops it without an answer (access policy).
  void set_screen(std::function<bool(const io::Endpoint& source)> screen) {
    screen_ = std::move(screen);
  }

  // Runs with the status code of every response sent (retransmissions too):
  // the server's responses-by-code metric.
  void set_response_observer(std::function<void(int status)> observer) {
    on_response_sent_ = std::move(observer);
  }

  // What is sent to a peer whose connection another transport holds (Peer::held_elsewhere)
  // goes to this hook, which passes it to the holder's thread (send_on_held there). Without
  // a hook such bytes reach the peer as if the connection were gone.
  using HandBack = std::function<bool(const std::string& bytes, const Peer& to)>;
  void set_hand_back(HandBack hand_back) { hand_back_ = std::move(hand_back); }

  bool send(const Message& message, const Peer& to);
  // Sends bytes already serialized (the transaction layer, retransmissions).
  bool send_raw(const std::string& bytes, const Peer& to) override;
  // On the holder's thread: bytes another transport handed back for one of this transport's
  // connections, by id. If it has closed meanwhile they go as to any peer without a
  // connection: over another open one to the same address, else a new one (RFC 3261 18.2.2).
  bool send_on_held(std::uint64_t connection_id, const std::string& bytes, const Peer& to);
  std::uint16_t port() const { return port_; }
  const std::string& host() const { return host_; }
  bool has_udp() const { return udp_ != nullptr; }
  // The receive buffer the kernel granted the UDP socket (0: not set, the system default).
  std::size_t udp_receive_buffer() const { return udp_receive_buffer_; }
  bool has_tcp() const { return tcp_ != nullptr; }
  bool has_tls() const { return tls_ != nullptr; }
  std::uint16_t tls_port() const { return tls_ ? tls_->local().port() : 0; }
  std::size_t connections() const { return connections_.size(); }
  const TransportStats& stats() const { return stats_; }

 private:
  Transport(io::EventLoop& loop, MessageHandler handler, Logger& logger);
  Status open(const TransportConfig& config);
  Status check_ports_free(const TransportConfig& config);
  void on_datagram(std::span<const std::uint8_t> bytes, const io::Endpoint& from);
  void on_stream(io::Stream& connection, TransportKind kind, std::string& buffer);
  // `inbound`: accepted from a listener (subject to the connection limits).
  void accept(std::shared_ptr<io::Stream> connection, TransportKind kind, bool inbound);
  bool over_limit(const io::Endpoint& source) const;
  void touch(io::Stream& connection);
  void close_idle();
  std::shared_ptr<io::Stream> connection_to(const Peer& to);
  void deliver(std::string_view bytes, const Peer& from);
  bool send_stream(const std::string& bytes, const Peer& to);
  void reject_unparsable(std::string_view bytes, const ParseError& error, const Peer& from);

  io::EventLoop& loop_;
  MessageHandler handler_;
  std::function<bool(const io::Endpoint&)> screen_;
  std::function<void(int status)> on_response_sent_;
  HandBack hand_back_;
  Logger& logger_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::unique_ptr<io::UdpSocket> udp_;
  std::unique_ptr<io::TcpListener> tcp_;
  std::unique_ptr<io::TlsListener> tls_;
  std::shared_ptr<io::TlsContext> tls_client_;
  std::string tls_server_name_;
  struct Connection {
    std::shared_ptr<io::Stream> stream;
    TransportKind kind;
    SteadyTime last_active;
    unsigned crlf_run = 0;     // line ends seen since the last message (pings)
    std::string counted_host;  // in connection_count_: the source (empty: outgoing)
    std::uint64_t id = 0;      // what Peer::connection_id names, unique in this transport
  };
  void forget(io::Stream* raw);  // erase, and uncount
  Millis idle_timeout_{0};
  std::size_t max_connections_ = 0;
  std::size_t max_per_source_ = 0;
  std::size_t udp_receive_buffer_ = 0;
  std::shared_ptr<ConnectionCount> connection_count_;
  io::TimerId idle_timer_ = 0;
  TransportStats stats_;
  // Accepted and outgoing connections, kept alive until the peer closes, and
  // reused for later messages to the same address and transport.
  std::map<io::Stream*, Connection> connections_;
  std::unordered_map<std::uint64_t, io::Stream*> connection_ids_;
  std::uint64_t next_connection_id_ = 1;
};

// Builds a best-effort error response for bytes that failed to parse, from
// whatever Via/From/To/Call-ID/CSeq lines can be found. Empty when the bytes
// are not a request or lack the headers a response must echo.
std::string error_response_for_unparsable(std::string_view bytes, int status);

}  // namespace keyline::sip
