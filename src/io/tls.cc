#include "io/tls.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace keyline::io {
namespace {

// The most recent OpenSSL error on this thread, as text (the queue is
// cleared before each call that can fail, so this is ours).
std::string openssl_error(const std::string& what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return what;
  char text[256];
  ERR_error_string_n(code, text, sizeof text);
  return what + ": " + text;
}

SSL_CTX* as_ctx(void* p) { return static_cast<SSL_CTX*>(p); }

// Shared by both sides: TLS 1.2 at least, no renegotiation (a DoS lever
// and the root of past attacks; RFC 7457), no compression (CRIME), and for
// TLS 1.2 only forward-secret AEAD suites.
Status apply_common_policy(SSL_CTX* ctx) {
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
    return make_error("tls", openssl_error("cannot set TLS 1.2 as the minimum"));
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  if (SSL_CTX_set_cipher_list(ctx, "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20") != 1)
    return make_error("tls", openssl_error("cannot set the TLS 1.2 cipher list"));
  return Ok{};
}

Status load_identity(SSL_CTX* ctx, const std::string& cert, const std::string& key) {
  if (SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) != 1)
    return make_error("tls", openssl_error("certificate " + cert));
  if (SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) != 1)
    return make_error("tls", openssl_error("private key " + key));
  if (SSL_CTX_check_private_key(ctx) != 1)
    return make_error("tls", openssl_error("key " + key + " does not match certificate " + cert));
  return Ok{};
}

bool is_ip_literal(const std::string& name) {
  in6_addr v6;
  in_addr v4;
  return inet_pton(AF_INET, name.c_str(), &v4) == 1 || inet_pton(AF_INET6, name.c_str(), &v6) == 1;
}

}  // namespace

// ---- TlsContext ----------------------------------------------------------

Result<std::shared_ptr<TlsContext>> TlsContext::server(const TlsServerSettings& s) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx) return make_error("tls", openssl_error("SSL_CTX_new"));
  std::shared_ptr<TlsContext> out(new TlsContext(ctx, true, s.handshake_timeout));
  if (auto policy = apply_common_policy(ctx); !policy) return policy.error();
  if (auto id = load_identity(ctx, s.cert_file, s.key_file); !id) return id.error();
  if (s.verify_client) {
    if (s.ca_file.empty()) return make_error("tls", "verify_client needs a CA file");
    if (SSL_CTX_load_verify_locations(ctx, s.ca_file.c_str(), nullptr) != 1)
      return make_error("tls", openssl_error("CA file " + s.ca_file));
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(s.ca_file.c_str());
    if (names) SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  } else if (!s.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, s.ca_file.c_str(), nullptr) != 1)
      return make_error("tls", openssl_error("CA file " + s.ca_file));
  }
  return out;
}

Result<std::shared_ptr<TlsContext>> TlsContext::client(const TlsClientSettings& s) {
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) return make_error("tls", openssl_error("SSL_CTX_new"));
  std::shared_ptr<TlsContext> out(new TlsContext(ctx, false, s.handshake_timeout));
  if (auto policy = apply_common_policy(ctx); !policy) return policy.error();
  if (!s.ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, s.ca_file.c_str(), nullptr) != 1)
      return make_error("tls", openssl_error("CA file " + s.ca_file));
  } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return make_error("tls", openssl_error("system CA store"));
  }
  // Verification is always on: there is no switch to turn it off.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
  if (!s.cert_file.empty() || !s.key_file.empty()) {
    if (auto id = load_identity(ctx, s.cert_file, s.key_file); !id) return id.error();
  }
  return out;
}

TlsContext::~TlsContext() { SSL_CTX_free(as_ctx(ctx_)); }

// ---- TlsConnection -------------------------------------------------------

struct TlsConnection::Ssl {
  SSL* ssl = nullptr;
  BIO* wbio = nullptr;  // owned by ssl; ciphertext to send
  BIO* rbio = nullptr;  // owned by ssl; ciphertext received
  ~Ssl() { SSL_free(ssl); }
};

TlsConnection::TlsConnection(EventLoop& loop, std::shared_ptr<TcpConnection> tcp,
                             std::shared_ptr<TlsContext> context)
    : loop_(loop), tcp_(std::move(tcp)), context_(std::move(context)) {}

TlsConnection::~TlsConnection() {
  if (handshake_timer_) loop_.cancel_timer(handshake_timer_);
  if (tcp_) {
    tcp_->set_handlers(nullptr, nullptr);
    tcp_->close();
  }
}

std::shared_ptr<TlsConnection> TlsConnection::accept(EventLoop& loop,
                                                     std::shared_ptr<TcpConnection> tcp,
                                                     std::shared_ptr<TlsContext> context) {
  std::shared_ptr<TlsConnection> conn(new TlsConnection(loop, std::move(tcp), std::move(context)));
  if (auto started = conn->start(true, {}); !started) conn->fail(started.error().message);
  return conn;
}

Result<std::shared_ptr<TlsConnection>> TlsConnection::connect(EventLoop& loop,
                                                              const Endpoint& remote,
                                                              std::shared_ptr<TlsContext> context,
                                                              const std::string& server_name) {
  if (context->is_server()) return make_error("tls", "a server context cannot connect");
  auto tcp = TcpConnection::connect(loop, remote);
  if (!tcp) return tcp.error();
  std::shared_ptr<TlsConnection> conn(new TlsConnection(loop, std::move(*tcp), std::move(context)));
  auto started = conn->start(false, server_name.empty() ? remote.host() : server_name);
  if (!started) return started.error();
  if (!conn->open())
    return make_error("tls",
                      "handshake with " + remote.to_string() + " failed: " + conn->failure());
  return conn;
}

Status TlsConnection::start(bool server, const std::string& server_name) {
  ERR_clear_error();
  auto ssl = std::make_unique<Ssl>();
  ssl->ssl = SSL_new(as_ctx(context_->native()));
  if (!ssl->ssl) return make_error("tls", openssl_error("SSL_new"));
  ssl->rbio = BIO_new(BIO_s_mem());
  ssl->wbio = BIO_new(BIO_s_mem());
  if (!ssl->rbio || !ssl->wbio) {
    BIO_free(ssl->rbio);
    BIO_free(ssl->wbio);
    return make_error("tls", "out of memory for BIOs");
  }
  SSL_set_bio(ssl->ssl, ssl->rbio, ssl->wbio);
  if (server) {
    SSL_set_accept_state(ssl->ssl);
  } else {
    SSL_set_connect_state(ssl->ssl);
    if (is_ip_literal(server_name)) {
      // No SNI for addresses (RFC 6066 3); the certificate must name the IP.
      if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl->ssl), server_name.c_str()) != 1)
        return make_error("tls", "bad IP address " + server_name);
    } else {
      SSL_set_tlsext_host_name(ssl->ssl, server_name.c_str());
      if (SSL_set1_host(ssl->ssl, server_name.c_str()) != 1)
        return make_error("tls", "bad host name " + server_name);
    }
  }
  ssl_ = std::move(ssl);

  std::weak_ptr<Stream> weak = weak_from_this();
  tcp_->set_handlers(
      [weak](Stream&, std::string& buffer) {
        if (auto self = weak.lock())
          static_cast<TlsConnection&>(*self).on_cipher_bytes(buffer);
        else
          buffer.clear();
      },
      [weak](Stream&) {
        if (auto self = weak.lock()) static_cast<TlsConnection&>(*self).close();
      });
  handshake_timer_ = loop_.add_timer(context_->handshake_timeout(), [weak] {
    if (auto self = weak.lock()) {
      auto& conn = static_cast<TlsConnection&>(*self);
      conn.handshake_timer_ = 0;
      if (!conn.established_) conn.fail("handshake timeout");
    }
  });
  pump();  // the client's ClientHello goes out now
  return Ok{};
}

void TlsConnection::set_handlers(DataHandler on_data, CloseHandler on_close) {
  on_data_ = std::move(on_data);
  on_close_ = std::move(on_close);
}

void TlsConnection::on_cipher_bytes(std::string& buffer) {
  if (closed_ || !ssl_) {
    buffer.clear();
    return;
  }
  // A memory BIO takes everything; pump() decides what it means.
  int n = BIO_write(ssl_->rbio, buffer.data(), static_cast<int>(buffer.size()));
  buffer.clear();
  if (n <= 0) return fail("BIO_write failed");
  pump();
}

void TlsConnection::pump() {
  auto keep = shared_from_this();  // handlers below may drop the last owner
  if (closed_) return;
  if (!established_) {
    ERR_clear_error();
    int r = SSL_do_handshake(ssl_->ssl);
    if (!flush_cipher()) return;
    if (r != 1) {
      int e = SSL_get_error(ssl_->ssl, r);
      if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return;
      long verify = SSL_get_verify_result(ssl_->ssl);
      std::string why = openssl_error("handshake");
      if (verify != X509_V_OK)
        why += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
      return fail(why);
    }
    established_ = true;
    if (handshake_timer_) {
      loop_.cancel_timer(handshake_timer_);
      handshake_timer_ = 0;
    }
    if (X509* cert = SSL_get1_peer_certificate(ssl_->ssl)) {
      char name[256];
      X509_NAME_oneline(X509_get_subject_name(cert), name, sizeof name);
      peer_subject_ = name;
      X509_free(cert);
    }
    if (!plain_out_.empty()) {
      std::string held = std::move(plain_out_);
      plain_out_.clear();
      if (!send(held)) return;
    }
  }
  bool peer_closed = false;
  for (;;) {
    char buffer[16384];
    ERR_clear_error();
    int n = SSL_read(ssl_->ssl, buffer, sizeof buffer);
    if (n > 0) {
      plain_in_.append(buffer, static_cast<std::size_t>(n));
      if (plain_in_.size() > kMaxBuffered) return fail("peer sent more than the buffer limit");
      continue;
    }
    int e = SSL_get_error(ssl_->ssl, n);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) break;
    if (e == SSL_ERROR_ZERO_RETURN) {  // close_notify
      peer_closed = true;
      break;
    }
    // Includes a renegotiation attempt, which SSL_OP_NO_RENEGOTIATION refuses.
    flush_cipher();
    return fail(openssl_error("read"));
  }
  if (!flush_cipher()) return;  // alerts, session tickets, key updates
  if (on_data_ && !plain_in_.empty()) on_data_(*this, plain_in_);
  if (peer_closed) close();
}

bool TlsConnection::flush_cipher() {
  for (;;) {
    std::size_t pending = BIO_ctrl_pending(ssl_->wbio);
    if (pending == 0) return !closed_;
    std::string out(pending, '\0');
    int n = BIO_read(ssl_->wbio, out.data(), static_cast<int>(pending));
    if (n <= 0) return !closed_;
    out.resize(static_cast<std::size_t>(n));
    if (!tcp_->send(out)) {
      // The TCP close handler has closed us too.
      return false;
    }
  }
}

bool TlsConnection::send(std::string_view bytes) {
  if (closed_ || !ssl_) return false;
  if (!established_) {
    if (plain_out_.size() + bytes.size() > kMaxBuffered) {
      fail("too much data held before the handshake");
      return false;
    }
    plain_out_.append(bytes);
    return true;
  }
  while (!bytes.empty()) {
    ERR_clear_error();
    int n = SSL_write(ssl_->ssl, bytes.data(),
                      static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
    if (n <= 0) {
      fail(openssl_error("write"));
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return flush_cipher();
}

void TlsConnection::fail(const std::string& why) {
  if (failure_.empty()) failure_ = why;
  close();
}

void TlsConnection::close() {
  if (closed_) return;
  closed_ = true;
  auto keep = shared_from_this();
  if (handshake_timer_) {
    loop_.cancel_timer(handshake_timer_);
    handshake_timer_ = 0;
  }
  if (ssl_ && established_ && tcp_->open()) {
    ERR_clear_error();
    SSL_shutdown(ssl_->ssl);  // our close_notify; we do not wait for theirs
    for (std::size_t pending; (pending = BIO_ctrl_pending(ssl_->wbio)) > 0;) {
      std::string out(pending, '\0');
      int n = BIO_read(ssl_->wbio, out.data(), static_cast<int>(pending));
      if (n <= 0) break;
      out.resize(static_cast<std::size_t>(n));
      tcp_->send(out);
    }
  }
  // The TCP handlers stay: they may be running now, and they see closed_.
  tcp_->close();
  if (on_close_) {
    auto handler = std::move(on_close_);
    handler(*this);
  }
}

// ---- TlsListener ---------------------------------------------------------

Result<std::unique_ptr<TlsListener>> TlsListener::listen(EventLoop& loop, const Endpoint& local,
                                                         std::shared_ptr<TlsContext> context,
                                                         AcceptHandler on_accept,
                                                         bool reuse_port) {
  if (!context->is_server()) return make_error("tls", "a client context cannot listen");
  std::unique_ptr<TlsListener> listener(new TlsListener());
  auto tcp = TcpListener::listen(
      loop, local,
      [&loop, context, on_accept = std::move(on_accept)](std::shared_ptr<TcpConnection> c) {
        on_accept(TlsConnection::accept(loop, std::move(c), context));
      },
      reuse_port);
  if (!tcp) return tcp.error();
  listener->tcp_ = std::move(*tcp);
  return listener;
}

}  // namespace keyline::io
