// The API's HTTPS listener: the libmicrohttpd adapter (nothing else includes
// microhttpd.h). libmicrohttpd runs its own small thread pool beside the SIP
// workers and does TLS through GnuTLS (TLS 1.2 minimum), HTTP/1.1 keep-alive
// and request parsing; each complete request goes to ApiService::handle.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/api_service.h"
#include "api/tls_identity.h"
#include "base/result.h"

struct MHD_Daemon;

namespace keyline::api {

struct HttpsConfig {
  std::string listen = "127.0.0.1";
  std::uint16_t port = 8443;  // 0: any free port (see port())
  int threads = 2;
  std::size_t max_body_bytes = 1 << 20;
};

class HttpsServer {
 public:
  static Result<std::unique_ptr<HttpsServer>> start(const HttpsConfig& config,
                                                    const TlsIdentity& identity,
                                                    ApiService& service);
  ~HttpsServer();  // stops accepting, finishes in-flight requests, joins
  HttpsServer(const HttpsServer&) = delete;
  HttpsServer& operator=(const HttpsServer&) = delete;

  std::uint16_t port() const { return port_; }

 private:
  HttpsServer(ApiService& service, std::size_t max_body) : service_(service), max_body_(max_body) {}

  ApiService& service_;
  std::size_t max_body_;
  // libmicrohttpd keeps pointers to the PEM text for the daemon's lifetime.
  std::string cert_pem_;
  std::string key_pem_;
  MHD_Daemon* daemon_ = nullptr;
  std::uint16_t port_ = 0;

  friend struct HttpsCallbacks;
};

}  // namespace keyline::api
