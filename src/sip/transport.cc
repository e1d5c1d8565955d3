#include "sip/transport.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "base/strings.h"
#include "sip/dtmf_info.h"

namespace keyline::sip {

Result<std::unique_ptr<Transport>> Transport::create(io::EventLoop& loop,
                                                     const TransportConfig& config,
                                                     MessageHandler handler, Logger& logger) {
  std::unique_ptr<Transport> t(new Transport(loop, std::move(handler), logger));
  auto opened = t->open(config);
  if (!opened) return opened.error();
  return t;
}

Transport::Transport(io::EventLoop& loop, MessageHandler handler, Logger& logger)
    : loop_(loop), handler_(std::move(handler)), logger_(logger) {}

Transport::~Transport() {
  if (idle_timer_ != 0) loop_.cancel_timer(idle_timer_);
  auto connections = std::move(connections_);
  for (auto& [raw, conn] : connections) {
    conn.stream->set_handlers(nullptr, nullptr);
    if (connection_count_) connection_count_->remove(conn.counted_host);
  }
}

Status Transport::check_ports_free(const TransportConfig& config) {
  // Plain binds (no SO_REUSEPORT) fail with EADDRINUSE when anyone holds the port; they are
  // closed again at once.
  auto noop_datagram = [](std::span<const std::uint8_t>, const io::Endpoint&) {};
  auto noop_accept = [](std::shared_ptr<io::TcpConnection>) {};
  if (config.port != 0) {
    auto ep = io::Endpoint::parse(config.host, config.port);
    if (!ep) return ep.error();
    if (config.udp)
      if (auto probe = io::UdpSocket::bind(loop_, *ep, noop_datagram); !probe) return probe.error();
    if (config.tcp)
      if (auto probe = io::TcpListener::listen(loop_, *ep, noop_accept); !probe)
        return probe.error();
  }
  if (config.tls_server && config.tls_port != 0) {
    auto ep = io::Endpoint::parse(config.host, config.tls_port);
    if (!ep) return ep.error();
    if (auto probe = io::TcpListener::listen(loop_, *ep, noop_accept); !probe) return probe.error();
  }
  return Ok{};
}

Status Transport::open(const TransportConfig& config) {
  host_ = config.host;
  tls_client_ = config.tls_client;
  tls_server_name_ = config.tls_server_name;
  idle_timeout_ = config.idle_timeout;
  max_connections_ = config.max_connections;
  max_per_source_ = config.max_connections_per_source;
  connection_count_ = config.connection_count;
  if (idle_timeout_.count() > 0) {
    // Sweeping at a fraction of the timeout bounds how late a close comes
    // (at most a quarter of the timeout, or 5 s) without a timer per connection.
    Millis period = std::clamp(idle_timeout_ / 4, Millis{10}, Millis{5000});
    idle_timer_ = loop_.add_periodic(period, [this] { close_idle(); });
  }
  if (config.reuse_port && !config.join_group)
    if (auto free = check_ports_free(config); !free) return free.error();
  if (config.tls_server) {
    auto ep = io::Endpoint::parse(config.host, config.tls_port);
    if (!ep) return ep.error();
    auto listener = io::TlsListener::listen(
        loop_, *ep, config.tls_server,
        [this](std::shared_ptr<io::TlsConnection> c) {
          accept(std::move(c), TransportKind::kTls, true);
        },
        config.reuse_port);
    if (!listener) return listener.error();
    tls_ = std::move(*listener);
  }
  // With port 0 the kernel picks the UDP port; TCP then has to get the same
  // number, which can fail if another program holds it: retry a few times.
  for (int attempt = 0; attempt < 20; ++attempt) {
    udp_.reset();
    tcp_.reset();
    std::uint16_t port = config.port;
    if (config.udp) {
      auto ep = io::Endpoint::parse(config.host, port);
      if (!ep) return ep.error();
      auto sock = io::UdpSocket::bind(
          loop_, *ep,
          [this](std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
            on_datagram(bytes, from);
          },
          config.reuse_port);
      if (!sock) return sock.error();
      udp_ = std::move(*sock);
      // One socket carries every peer's signalling: read what is queued in one call.
      udp_->set_batch_reads(16);
      if (config.udp_receive_buffer > 0)
        udp_receive_buffer_ = udp_->set_receive_buffer(config.udp_receive_buffer);
      port = udp_->local().port();
    }
    if (config.tcp) {
      auto ep = io::Endpoint::parse(config.host, port);
      if (!ep) return ep.error();
      auto listener = io::TcpListener::listen(
          loop_, *ep,
          [this](std::shared_ptr<io::TcpConnection> c) {
            accept(std::move(c), TransportKind::kTcp, true);
          },
          config.reuse_port);
      if (!listener) {
        if (config.port == 0 && config.udp) continue;
        return listener.error();
      }
      tcp_ = std::move(*listener);
      port = tcp_->local().port();
    }
    port_ = port;
    return Ok{};
  }
  return make_error("io", "could not bind UDP and TCP on one free port");
}

bool Transport::over_limit(const io::Endpoint& source) const {
  if (max_connections_ != 0 && connections_.size() >= max_connections_) return true;
  if (max_per_source_ == 0) return false;
  const std::string host = source.host();
  std::size_t same = 0;
  for (const auto& [raw, c] : connections_)
    if (c.stream->remote().host() == host) ++same;
  return same >= max_per_source_;
}

void Transport::accept(std::shared_ptr<io::Stream> connection, TransportKind kind, bool inbound) {
  if (screen_ && !screen_(connection->remote())) {
    connection->close();  // before any TLS handshake work
    return;
  }
  std::string counted_host;
  if (connection_count_) {
    counted_host = inbound ? connection->remote().host() : std::string();
    const bool counted =
        !inbound || connection_count_->try_add(counted_host, max_connections_, max_per_source_);
    if (!inbound) connection_count_->add_outgoing();
    if (!counted) {
      ++stats_.connections_refused;
      logger_.info("sip", "connection limit: refused " + connection->remote().to_string());
      connection->close();
      return;
    }
  } else if (inbound && over_limit(connection->remote())) {
    ++stats_.connections_refused;
    logger_.info("sip", "connection limit: refused " + connection->remote().to_string());
    connection->close();
    return;
  }
  connection->set_handlers(
      [this, kind](io::Stream& c, std::string& buffer) { on_stream(c, kind, buffer); },
      [this, kind](io::Stream& c) {
        if (kind == TransportKind::kTls) {
          auto& tls = static_cast<io::TlsConnection&>(c);
          // Our own outgoing handshakes failing is worth a warning; a peer
          // failing to talk TLS to us (scanners) is not.
          if (!tls.failure().empty())
            logger_.log(
                tls.is_client() ? LogLevel::kWarn : LogLevel::kInfo, "sip",
                "TLS connection with " + c.remote().to_string() + " closed: " + tls.failure());
        }
        // Deferred: the connection is inside its own callback.
        loop_.post([this, raw = &c] { forget(raw); });
      });
  io::Stream* raw = connection.get();
  const std::uint64_t id = next_connection_id_++;
  connection_ids_[id] = raw;
  connections_[raw] = Connection{std::move(connection), kind, loop_.now(), 0, counted_host, id};
}

void Transport::forget(io::Stream* raw) {
  auto it = connections_.find(raw);
  if (it == connections_.end()) return;
  if (connection_count_) connection_count_->remove(it->second.counted_host);
  connection_ids_.erase(it->second.id);
  connections_.erase(it);
}

void Transport::touch(io::Stream& connection) {
  if (auto it = connections_.find(&connection); it != connections_.end())
    it->second.last_active = loop_.now();
}

void Transport::close_idle() {
  const SteadyTime now = loop_.now();
  std::vector<std::shared_ptr<io::Stream>> idle;
  for (const auto& [raw, c] : connections_)
    if (now - c.last_active >= idle_timeout_) idle.push_back(c.stream);
  // Closed after the walk: close handlers post the erase, but be safe.
  for (auto& stream : idle) {
    ++stats_.idle_closed;
    logger_.debug("sip", "closing idle connection with " + stream->remote().to_string());
    stream->close();
  }
}

void Transport::on_datagram(std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  // RFC 5626 keep-alives (CRLF) on UDP are answered by nothing.
  if (trim(text).empty()) return;
  Peer peer{TransportKind::kUdp, from, {}};
  deliver(text, peer);
}

void Transport::on_stream(io::Stream& connection, TransportKind kind, std::string& buffer) {
  auto entry = connections_.find(&connection);
  Peer peer{kind, connection.remote(), connection.weak_from_this(),
            entry != connections_.end() ? entry->second.id : 0, std::nullopt};
  touch(connection);
  while (!buffer.empty()) {
    auto framed = frame_stream(buffer);
    if (std::holds_alternative<std::monostate>(framed)) return;  // need more bytes
    if (auto* error = std::get_if<ParseError>(&framed)) {
      // The stream has lost its framing: answer if we can, then close it.
      reject_unparsable(buffer, *error, peer);
      buffer.clear();
      connection.close();
      return;
    }
    auto frame = std::get<Frame>(framed);
    if (frame.length == 0) {  // only keep-alive CRLFs
      // RFC 5626 3.5.1: a CRLFCRLF ping is answered with one CRLF (pong).
      // Counted across reads, since a ping may arrive split.
      if (entry != connections_.end()) {
        auto& run = entry->second.crlf_run;
        run += static_cast<unsigned>(std::count(buffer.begin(), buffer.begin() + frame.skip, '\n'));
        if (run >= 2) {
          run = 0;
          ++stats_.keepalive_pongs;
          connection.send("\r\n");
        }
      }
      buffer.erase(0, frame.skip);
      continue;
    }
    if (entry != connections_.end()) entry->second.crlf_run = 0;
    std::string message = buffer.substr(frame.skip, frame.length);
    buffer.erase(0, frame.skip + frame.length);
    deliver(message, peer);
    if (!connection.open()) return;
  }
}

void Transport::deliver(std::string_view bytes, const Peer& from) {
  if (screen_ && !screen_(from.endpoint)) return;
  auto parsed = parse_message(bytes);
  if (auto* error = std::get_if<ParseError>(&parsed)) {
    logger_.info("sip", "unparsable message from " + from.endpoint.to_string() + " (" +
                            std::string(from.transport_name()) + "): " + error->reason);
    reject_unparsable(bytes, *error, from);
    return;
  }
  Message message = std::move(std::get<Message>(parsed));
  if (logger_.enabled(LogLevel::kDebug)) {
    logger_.debug("sip", "recv from " + from.endpoint.to_string() + "\n" +
                             mask_dtmf_body(message.serialize()));
  }
  handler_(std::move(message), from);
}

void Transport::reject_unparsable(std::string_view bytes, const ParseError& error,
                                  const Peer& from) {
  if (error.status < 400) return;  // not SIP at all: drop silently
  if (error.partial && error.partial->is_request() && error.partial->method != "ACK" &&
      error.partial->header("Via") && error.partial->header("Call-ID") &&
      error.partial->header("CSeq")) {
    send(make_response(*error.partial, error.status), from);
    return;
  }
  std::string response = error_response_for_unparsable(bytes, error.status);
  if (!response.empty()) send_raw(response, from);
}

bool Transport::send(const Message& message, const Peer& to) {
  return send_raw(message.serialize(), to);
}

bool Transport::send_raw(const std::string& bytes, const Peer& to) {
  if (on_response_sent_) {
    // "SIP/2.0 200 ...": the status is the three digits after the version.
    constexpr std::string_view kVersion = "SIP/2.0 ";
    if (bytes.size() >= kVersion.size() + 3 && bytes.compare(0, kVersion.size(), kVersion) == 0) {
      int status = 0;
      for (std::size_t i = kVersion.size(); i < kVersion.size() + 3 && status >= 0; ++i)
        status = bytes[i] >= '0' && bytes[i] <= '9' ? status * 10 + (bytes[i] - '0') : -1;
      if (status >= 100 && status <= 699) on_response_sent_(status);
    }
  }
  if (logger_.enabled(LogLevel::kDebug)) {
    logger_.debug("sip", "send to " + to.endpoint.to_string() + "\n" + mask_dtmf_body(bytes));
  }
  if (to.kind == TransportKind::kUdp) {
    if (!udp_) return false;
    return udp_->send_to(std::span<const std::uint8_t>(
                             reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                         to.endpoint);
  }
  // The connection lives on another thread: only its holder may write to it.
  if (to.held_elsewhere && hand_back_) return hand_back_(bytes, to);
  return send_stream(bytes, to);
}

bool Transport::send_on_held(std::uint64_t connection_id, const std::string& bytes,
                             const Peer& to) {
  Peer here = to;
  here.held_elsewhere.reset();
  here.connection.reset();
  here.connection_id = 0;
  if (auto it = connection_ids_.find(connection_id); it != connection_ids_.end()) {
    auto entry = connections_.find(it->second);
    if (entry != connections_.end() && entry->second.kind == to.kind)
      here.connection = entry->second.stream;
  }
  return send_stream(bytes, here);
}

bool Transport::send_stream(const std::string& bytes, const Peer& to) {
  auto conn = connection_to(to);
  if (!conn) return false;
  touch(*conn);
  return conn->send(bytes);
}

std::shared_ptr<io::Stream> Transport::connection_to(const Peer& to) {
  if (auto conn = to.connection.lock(); conn && conn->open()) return conn;
  // Reuse any open connection to the same address over the same transport
  // (RFC 5923's spirit without its alias negotiation: we only reuse what
  // we hold ourselves).
  for (auto& [raw, c] : connections_)
    if (c.kind == to.kind && c.stream->open() && c.stream->remote() == to.endpoint) return c.stream;
  // None: open a new one to the peer's address.
  if (to.kind == TransportKind::kTls) {
    if (!tls_client_) {
      logger_.warn("sip", "no TLS client context: cannot reach " + to.endpoint.to_string());
      return nullptr;
    }
    auto conn = io::TlsConnection::connect(loop_, to.endpoint, tls_client_, tls_server_name_);
    if (!conn) {
      logger_.warn("sip", "TLS connect failed: " + conn.error().message);
      return nullptr;
    }
    std::shared_ptr<io::Stream> stream = *conn;
    accept(stream, TransportKind::kTls, false);
    return stream;
  }
  auto conn = io::TcpConnection::connect(loop_, to.endpoint);
  if (!conn) {
    logger_.warn("sip", "tcp connect failed: " + conn.error().message);
    return nullptr;
  }
  std::shared_ptr<io::Stream> stream = *conn;
  accept(stream, TransportKind::kTcp, false);
  return stream;
}

std::string error_response_for_unparsable(std::string_view bytes, int status) {
  auto lines = split(bytes, '\n');
  if (lines.empty()) return {};
  std::string_view request_line = trim(lines[0]);
  // Responses are never answered, and neither is ACK (RFC 3261 17.2.1).
  if (request_line.starts_with("SIP/") || request_line.starts_with("ACK ")) return {};
  std::string via, from, to, call_id, cseq;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    std::string_view line = trim(lines[i]);
    if (line.empty()) break;
    auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string name = to_lower(trim(line.substr(0, colon)));
    std::string value(trim(line.substr(colon + 1)));
    if ((name == "via" || name == "v") && via.empty()) via = value;
    if ((name == "from" || name == "f") && from.empty()) from = value;
    if ((name == "to" || name == "t") && to.empty()) to = value;
    if ((name == "call-id" || name == "i") && call_id.empty()) call_id = value;
    if (name == "cseq" && cseq.empty()) cseq = value;
  }
  if (via.empty() || from.empty() || to.empty() || call_id.empty() || cseq.empty()) return {};
  std::string out =
      "SIP/2.0 " + std::to_string(status) + " " + std::string(default_reason(status)) + "\r\n";
  out += "Via: " + via + "\r\nFrom: " + from + "\r\nTo: " + to + "\r\nCall-ID: " + call_id +
         "\r\nCSeq: " + cseq + "\r\nContent-Length: 0\r\n\r\n";
  return out;
}

}  // namespace keyline::sip
