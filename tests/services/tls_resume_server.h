// A tiny HTTPS server for the HTTP client's TLS session tests, on OpenSSL (whose server keeps a
// session cache and issues TLS 1.3 tickets, which libmicrohttpd's GnuTLS set-up does not). It
// listens on 127.0.0.1, port 0, serves one connection at a time, and answers every request with
// "Connection: close" and the body "resumed" or "new": whether that connection's handshake
// resumed an earlier session. So each request is a new connection, and the body says what the
// client did.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

namespace keyline::services::testing {

class TlsResumeServer {
 public:
  TlsResumeServer(const std::string& cert_pem, const std::string& key_pem) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (!ctx_ || !load(cert_pem, key_pem)) return;
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~TlsResumeServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    if (ctx_) SSL_CTX_free(ctx_);
  }

  bool ok() const { return port_ != 0; }
  std::string base() const { return "https://127.0.0.1:" + std::to_string(port_); }
  int full_handshakes() const { return full_.load(); }
  int resumed_handshakes() const { return resumed_.load(); }

 private:
  bool load(const std::string& cert_pem, const std::string& key_pem) {
    BIO* cb = BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size()));
    BIO* kb = BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size()));
    X509* cert = cb ? PEM_read_bio_X509(cb, nullptr, nullptr, nullptr) : nullptr;
    EVP_PKEY* key = kb ? PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr) : nullptr;
    const bool loaded = cert && key && SSL_CTX_use_certificate(ctx_, cert) == 1 &&
                        SSL_CTX_use_PrivateKey(ctx_, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
    BIO_free(cb);
    BIO_free(kb);
    return loaded;
  }

  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      // A client that stalls cannot hold the test's server thread for long.
      timeval tv{30, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      ::setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      answer(c);
      ::close(c);
    }
  }

  void answer(int c) {
    SSL* ssl = SSL_new(ctx_);
    if (!ssl) return;
    SSL_set_fd(ssl, c);
    if (SSL_accept(ssl) == 1) {
      std::string request;
      char buf[2048];
      while (request.find("\r\n\r\n") == std::string::npos && request.size() < 65536) {
        const int n = SSL_read(ssl, buf, sizeof buf);
        if (n <= 0) break;
        request.append(buf, static_cast<std::size_t>(n));
      }
      const bool reused = SSL_session_reused(ssl) == 1;
      ++(reused ? resumed_ : full_);
      const std::string body = reused ? "resumed" : "new";
      const std::string reply =
          "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + std::to_string(body.size()) +
          "\r\n\r\n" + body;
      SSL_write(ssl, reply.data(), static_cast<int>(reply.size()));
      SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    ERR_clear_error();
  }

  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> full_{0};
  std::atomic<int> resumed_{0};
  std::thread thread_;
};

}  // namespace keyline::services::testing
