// TLS streams on the event loop (OpenSSL behind this one adapter: nobody
// else includes its headers). A TlsConnection runs TLS over a TcpConnection
// through memory BIOs, so it never blocks and shares TCP's buffering and
// epoll handling. TLS 1.2 is the minimum, renegotiation is refused, and a
// handshake that does not finish within its timeout closes the connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "io/endpoint.h"
#include "io/event_loop.h"
#include "io/stream.h"
#include "io/tcp.h"

namespace keyline::io {

struct TlsServerSettings {
  std::string cert_file;  // PEM: the certificate, then its chain
  std::string key_file;   // PEM private key
  std::string ca_file;    // CAs that sign client certificates (verify_client)
  bool verify_client = false;
  Millis handshake_timeout{10000};
};

struct TlsClientSettings {
  // PEM CAs that may sign the server's certificate; empty: the system store.
  std::string ca_file;
  // Optional client certificate (for servers that verify clients).
  std::string cert_file;
  std::string key_file;
  Millis handshake_timeout{10000};
};

// An SSL_CTX: certificates, keys, CAs and protocol limits, shared by every
// connection of one side.
class TlsContext {
 public:
  static Result<std::shared_ptr<TlsContext>> server(const TlsServerSettings& settings);
  static Result<std::shared_ptr<TlsContext>> client(const TlsClientSettings& settings);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  bool is_server() const { return is_server_; }
  Millis handshake_timeout() const { return handshake_timeout_; }
  void* native() const { return ctx_; }  // SSL_CTX*, for tls.cc only

 private:
  TlsContext(void* ctx, bool is_server, Millis timeout)
      : ctx_(ctx), is_server_(is_server), handshake_timeout_(timeout) {}
  void* ctx_;
  bool is_server_;
  Millis handshake_timeout_;
};

class TlsConnection final : public Stream {
 public:
  // Server side: takes over an accepted TCP connection and waits for the
  // ClientHello.
  static std::shared_ptr<TlsConnection> accept(EventLoop& loop, std::shared_ptr<TcpConnection> tcp,
                                               std::shared_ptr<TlsContext> context);
  // Client side: connects and starts the handshake. `server_name` is sent as
  // SNI (when it is a DNS name) and the certificate must match it (DNS name
  // or IP address); empty: the remote IP address.
  static Result<std::shared_ptr<TlsConnection>> connect(EventLoop& loop, const Endpoint& remote,
                                                        std::shared_ptr<TlsContext> context,
                                                        const std::string& server_name);
  ~TlsConnection() override;

  void set_handlers(DataHandler on_data, CloseHandler on_close) override;
  // Before the handshake completes, bytes are held and sent once it has.
  bool send(std::string_view bytes) override;
  void close() override;
  bool open() const override { return tcp_ && tcp_->open() && !closed_; }
  const Endpoint& remote() const override { return tcp_->remote(); }
  const Endpoint& local() const override { return tcp_->local(); }

  bool established() const { return established_; }
  bool is_client() const { return !context_->is_server(); }
  // The verified peer certificate's subject (empty when none was presented).
  const std::string& peer_subject() const { return peer_subject_; }
  // Why the connection failed (handshake error, timeout); empty otherwise.
  const std::string& failure() const { return failure_; }

 private:
  struct Ssl;
  TlsConnection(EventLoop& loop, std::shared_ptr<TcpConnection> tcp,
                std::shared_ptr<TlsContext> context);
  Status start(bool server, const std::string& server_name);
  void on_cipher_bytes(std::string& buffer);
  void pump();
  bool flush_cipher();
  void fail(const std::string& why);

  EventLoop& loop_;
  std::shared_ptr<TcpConnection> tcp_;
  std::shared_ptr<TlsContext> context_;
  std::unique_ptr<Ssl> ssl_;
  std::string plain_in_;
  std::string plain_out_;  // held until the handshake completes
  DataHandler on_data_;
  CloseHandler on_close_;
  TimerId handshake_timer_ = 0;
  bool established_ = false;
  bool closed_ = false;
  std::string peer_subject_;
  std::string failure_;
  static constexpr std::size_t kMaxBuffered = 1 << 20;
};

// Accepts TCP connections and hands out TLS streams (the handshake runs
// after the handler has them; data arrives only once it is done).
class TlsListener {
 public:
  using AcceptHandler = std::function<void(std::shared_ptr<TlsConnection>)>;
  static Result<std::unique_ptr<TlsListener>> listen(EventLoop& loop, const Endpoint& local,
                                                     std::shared_ptr<TlsContext> context,
                                                     AcceptHandler on_accept,
                                                     bool reuse_port = false);
  const Endpoint& local() const { return tcp_->local(); }

 private:
  TlsListener() = default;
  std::unique_ptr<TcpListener> tcp_;
};

}  // namespace keyline::io
