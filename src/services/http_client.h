// HttpClient: HTTPS requests for one worker's event loop, on libcurl's multi interface. curl's
// sockets and its timer are registered with the loop, so a request never blocks the worker:
// the loop wakes curl when a socket is ready, and the completion callback runs on the loop's
// thread. One client per loop keeps connections alive between requests to the same host, and
// a new connection to a host resumes an earlier TLS session (no full handshake).
//
// Every request passes the egress policy before a socket is opened (the host name, plain http
// under https_only) and again when curl is about to connect (the resolved address), so a name
// that resolves to a denied address is refused too. Redirects are followed here, not inside
// curl, so that each hop's URL passes the same checks. TLS verification is always on.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "base/log.h"
#include "base/result.h"
#include "io/event_loop.h"
#include "services/http_types.h"

namespace keyline::services {

class HttpClient {
 public:
  using RequestId = std::uint64_t;
  // Runs on the loop's thread, never from inside start(). It must not destroy the client.
  using Callback = std::function<void(HttpResponse)>;

  // `logger` may be null; lines name the method, scheme and host only (never a path, a query
  // or a body) and pass through the logger's redactor.
  static Result<std::unique_ptr<HttpClient>> create(io::EventLoop& loop, HttpClientConfig config,
                                                    Logger* logger);
  ~HttpClient();  // abandons requests in flight; their callbacks are not called
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // The request's body and header values are wiped once the exchange is over.
  RequestId start(HttpRequest request, Callback done);
  // The callback of a cancelled request is never called. Unknown ids are ignored.
  void cancel(RequestId id);
  std::size_t in_flight() const;

  struct Impl;

 private:
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace keyline::services
