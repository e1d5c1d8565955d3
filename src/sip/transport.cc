#include "sip/transport.h"

#include "base/strings.h"

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
  auto connections = std::move(connections_);
  for (auto& [raw, conn] : connections) conn->set_handlers(nullptr, nullptr);
}

Status Transport::open(const TransportConfig& config) {
  host_ = config.host;
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
          loop_, *ep, [this](std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
            on_datagram(bytes, from);
          });
      if (!sock) return sock.error();
      udp_ = std::move(*sock);
      port = udp_->local().port();
    }
    if (config.tcp) {
      auto ep = io::Endpoint::parse(config.host, port);
      if (!ep) return ep.error();
      auto listener = io::TcpListener::listen(
          loop_, *ep, [this](std::shared_ptr<io::TcpConnection> c) { accept(std::move(c)); });
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

void Transport::accept(std::shared_ptr<io::TcpConnection> connection) {
  connection->set_handlers(
      [this](io::TcpConnection& c, std::string& buffer) { on_stream(c, buffer); },
      [this](io::TcpConnection& c) {
        // Deferred: the connection is inside its own callback.
        loop_.post([this, raw = &c] { connections_.erase(raw); });
      });
  connections_[connection.get()] = connection;
}

void Transport::on_datagram(std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
  std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  // RFC 5626 keep-alives (CRLF) on UDP are answered by nothing.
  if (trim(text).empty()) return;
  Peer peer{TransportKind::kUdp, from, {}};
  deliver(text, peer);
}

void Transport::on_stream(io::TcpConnection& connection, std::string& buffer) {
  Peer peer{TransportKind::kTcp, connection.remote(), connection.weak_from_this()};
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
      buffer.erase(0, frame.skip);
      continue;
    }
    std::string message = buffer.substr(frame.skip, frame.length);
    buffer.erase(0, frame.skip + frame.length);
    deliver(message, peer);
    if (!connection.open()) return;
  }
}

void Transport::deliver(std::string_view bytes, const Peer& from) {
  auto parsed = parse_message(bytes);
  if (auto* error = std::get_if<ParseError>(&parsed)) {
    logger_.info("sip", "unparsable message from " + from.endpoint.to_string() + " (" +
                            std::string(from.transport_name()) + "): " + error->reason);
    reject_unparsable(bytes, *error, from);
    return;
  }
  Message message = std::move(std::get<Message>(parsed));
  if (logger_.enabled(LogLevel::kDebug)) {
    logger_.debug("sip", "recv from " + from.endpoint.to_string() + "\n" + message.serialize());
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
  if (logger_.enabled(LogLevel::kDebug)) {
    logger_.debug("sip", "send to " + to.endpoint.to_string() + "\n" + bytes);
  }
  if (to.kind == TransportKind::kUdp) {
    if (!udp_) return false;
    return udp_->send_to(std::span<const std::uint8_t>(
                             reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()),
                         to.endpoint);
  }
  if (auto conn = to.connection.lock(); conn && conn->open()) return conn->send(bytes);
  // The connection is gone: open a new one to the peer's address.
  auto conn = io::TcpConnection::connect(loop_, to.endpoint);
  if (!conn) {
    logger_.warn("sip", "tcp connect failed: " + conn.error().message);
    return false;
  }
  accept(*conn);
  return (*conn)->send(bytes);
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
