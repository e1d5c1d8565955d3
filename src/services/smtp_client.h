// SmtpClient: email through one SMTP relay for a worker's event loop, on libcurl's multi
// interface (the same way HttpClient drives curl: sockets and the timer on the loop, so a slow
// relay never blocks the worker; the callback runs on the loop's thread).
//
// TLS is required: smtps:// (implicit TLS) or smtp:// with STARTTLS, certificate verified.
// Only a relay on a loopback address may be used without TLS, and only when the config says
// so (allow_plain_loopback: tests and a local MTA that relays onward).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "base/result.h"
#include "base/secure_string.h"
#include "io/event_loop.h"

namespace keyline::services {

struct SmtpConfig {
  std::string host;
  int port = 587;
  enum class Tls { kStartTls, kImplicit } tls = Tls::kStartTls;
  std::string user;       // empty: no AUTH
  SecureString password;  // resolved by the server's config reader (env:, file:)
  std::string from;       // envelope sender and From: header
  std::string ca_file;    // PEM bundle to verify the relay with; empty: the system store
  bool allow_plain_loopback = false;
  std::chrono::milliseconds timeout{30000};
};

struct EmailMessage {
  std::vector<std::string> to;
  std::vector<std::string> cc;
  std::string subject;  // UTF-8; encoded (RFC 2047) when it is not plain ASCII
  std::string body;     // UTF-8 text; sent as text/plain
};

struct SmtpResult {
  bool ok = false;
  std::string error;  // not ok: what went wrong (curl's words, redacted; no address, no body)
  std::chrono::microseconds elapsed{0};
};

class SmtpClient {
 public:
  using RequestId = std::uint64_t;
  // Runs on the loop's thread, never from inside send(). It must not destroy the client.
  using Callback = std::function<void(SmtpResult)>;

  // Fails when the config is unusable (no host or from address, a bad port).
  static Result<std::unique_ptr<SmtpClient>> create(io::EventLoop& loop, SmtpConfig config,
                                                    Logger* logger);
  ~SmtpClient();  // abandons messages in flight; their callbacks are not called
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // The message is wiped once the exchange is over.
  RequestId send(EmailMessage message, Callback done);
  void cancel(RequestId id);  // its callback is never called
  std::size_t in_flight() const;

  struct Impl;

 private:
  explicit SmtpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The RFC 5322 message text (headers, blank line, body; CRLF line ends) the client uploads.
// `date` is an RFC 5322 date, `message_id` the id without brackets. Public for tests.
std::string format_email(const SmtpConfig& config, const EmailMessage& message,
                         const std::string& date, const std::string& message_id);

// Whether `host` is a loopback address literal or "localhost".
bool is_loopback_host(std::string_view host);

}  // namespace keyline::services
