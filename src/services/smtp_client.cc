// SMTP over libcurl: one easy handle per message, driven by CurlLoop.
#include "services/smtp_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>
#include <span>

#include "base/base64.h"
#include "base/secure_random.h"
#include "base/secure_wipe.h"
#include "privacy/redact.h"
#include "services/curl_loop.h"

namespace keyline::services {
namespace {

bool ascii_printable(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f;
  });
}

// RFC 2047 "B" encoding for a header holding non-ASCII text, in chunks that keep each
// encoded word within 75 characters (never splitting a UTF-8 sequence).
std::string encode_header_text(std::string_view text) {
  if (ascii_printable(text)) return std::string(text);
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t n = std::min<std::size_t>(45, text.size() - pos);
    while (pos + n < text.size() && n > 1 &&
           (static_cast<unsigned char>(text[pos + n]) & 0xC0) == 0x80)
      --n;  // do not end the chunk inside a multi-byte character
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data() + pos);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(std::span(bytes, n)) + "?=";
    pos += n;
  }
  return out;
}

std::string address_list(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : ", ") + a;
  return out;
}

// CRLF line ends, and no line longer than SMTP's 998 octets (RFC 5321 4.5.3.1.6).
std::string normalise_body(std::string_view body) {
  std::string out;
  out.reserve(body.size() + body.size() / 40);
  std::size_t line = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '\r') continue;
    if (c == '\n') {
      out += "\r\n";
      line = 0;
      continue;
    }
    if (line == 998) {
      out += "\r\n";
      line = 0;
    }
    out += c;
    ++line;
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

std::string rfc5322_date() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buf;
}

std::string random_id() {
  std::uint8_t bytes[12];
  if (!fill_secure_random(bytes)) return std::to_string(std::time(nullptr));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

std::string domain_of(const std::string& address) {
  const auto at = address.rfind('@');
  return at == std::string::npos ? "keyline.invalid" : address.substr(at + 1);
}

}  // namespace

bool is_loopback_host(std::string_view host) {
  if (host == "localhost") return true;
  std::string h(host);
  if (h.size() > 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  in_addr v4{};
  if (inet_pton(AF_INET, h.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  return inet_pton(AF_INET6, h.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

std::string format_email(const SmtpConfig& config, const EmailMessage& message,
                         const std::string& date, const std::string& message_id) {
  std::string out;
  out += "Date: " + date + "\r\n";
  out += "From: " + config.from + "\r\n";
  out += "To: " + address_list(message.to) + "\r\n";
  if (!message.cc.empty()) out += "Cc: " + address_list(message.cc) + "\r\n";
  out += "Message-ID: <" + message_id + ">\r\n";
  out += "Subject: " + encode_header_text(message.subject) + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: 8bit\r\n";
  out += "Auto-Submitted: auto-generated\r\n";  // RFC 3834: no auto-replies to a robot
  out += "\r\n";
  std::string body = normalise_body(message.body);
  out += body;
  secure_wipe(body);
  return out;
}

struct SmtpClient::Impl {
  struct Message {
    RequestId id = 0;
    Callback done;
    std::string text;  // the RFC 5322 message being uploaded
    std::size_t sent = 0;
    CURL* easy = nullptr;
    curl_slist* recipients = nullptr;
    SmtpResult result;
    std::chrono::steady_clock::time_point started;
    char error_buffer[CURL_ERROR_SIZE] = {};
  };

  io::EventLoop& loop;
  SmtpConfig config;
  Logger* logger;
  std::string url;
  std::unique_ptr<CurlLoop> curl;
  std::map<RequestId, std::unique_ptr<Message>> messages;
  RequestId next_id = 1;
  std::shared_ptr<bool> alive = std::make_shared<bool>(true);

  Impl(io::EventLoop& l, SmtpConfig c, Logger* log) : loop(l), config(std::move(c)), logger(log) {}

  ~Impl() {
    for (auto& [id, m] : messages) release(*m);
  }

  static std::size_t on_read(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* m = static_cast<Message*>(user);
    const std::size_t n = std::min(size * count, m->text.size() - m->sent);
    std::memcpy(buffer, m->text.data() + m->sent, n);
    m->sent += n;
    return n;
  }

  void release(Message& m) {
    if (m.easy) {
      curl->remove(m.easy);
      curl_easy_cleanup(m.easy);
    }
    m.easy = nullptr;
    for (curl_slist* item = m.recipients; item; item = item->next) {
      if (item->data) explicit_bzero(item->data, std::strlen(item->data));
    }
    curl_slist_free_all(m.recipients);
    m.recipients = nullptr;
    secure_wipe(m.text);
  }

  bool configure(Message& m, const EmailMessage& message) {
    m.easy = curl_easy_init();
    if (!m.easy) return false;
    CURL* e = m.easy;
    curl_easy_setopt(e, CURLOPT_PRIVATE, &m);
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(config.timeout.count()));
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!config.ca_file.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, config.ca_file.c_str());
    // smtp:// must upgrade with STARTTLS — unless plain SMTP to loopback is allowed, where TLS
    // is still used when the relay offers it.
    const bool plain_ok = config.allow_plain_loopback && is_loopback_host(config.host);
    curl_easy_setopt(e, CURLOPT_USE_SSL,
                     static_cast<long>(plain_ok ? CURLUSESSL_TRY : CURLUSESSL_ALL));
    curl_easy_setopt(e, CURLOPT_PROXY, "");  // never one from the environment
    if (!config.user.empty()) {
      curl_easy_setopt(e, CURLOPT_USERNAME, config.user.c_str());
      curl_easy_setopt(e, CURLOPT_PASSWORD, config.password.c_str());
    }
    const std::string from = "<" + config.from + ">";
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, from.c_str());  // curl copies option strings
    for (const auto* list : {&message.to, &message.cc}) {
      for (const auto& a : *list) {
        std::string rcpt = "<" + a + ">";
        m.recipients = curl_slist_append(m.recipients, rcpt.c_str());
        secure_wipe(rcpt);
      }
    }
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, m.recipients);
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_READFUNCTION, &Impl::on_read);
    curl_easy_setopt(e, CURLOPT_READDATA, &m);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(m.text.size()));
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, m.error_buffer);
    return true;
  }

  // From inside CurlLoop's batch: record the outcome, free the handle, and post the callback
  // so no caller code runs while curl's batch is being walked.
  void on_done(CURL* easy, CURLcode code) {
    Message* m = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, reinterpret_cast<char**>(&m));
    if (!m || m->easy != easy) return;
    if (code == CURLE_OK) {
      m->result.ok = true;
    } else {
      m->result.error =
          "smtp: " +
          privacy::redact_text(m->error_buffer[0] ? m->error_buffer : curl_easy_strerror(code));
      if (code == CURLE_USE_SSL_FAILED)
        m->result.error += " (the relay does not offer STARTTLS, which is required)";
    }
    release(*m);
    post_complete(m->id);
  }

  void post_complete(RequestId id) {
    std::weak_ptr<bool> token = alive;
    loop.post([this, id, token] {
      if (!token.expired()) complete(id);
    });
  }

  void complete(RequestId id) {
    auto it = messages.find(id);
    if (it == messages.end()) return;
    std::unique_ptr<Message> m = std::move(it->second);
    messages.erase(it);
    release(*m);
    m->result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - m->started);
    if (logger && logger->enabled(LogLevel::kDebug))
      logger->debug("smtp", "message to " + config.host + " -> " +
                                (m->result.ok ? std::string("sent") : m->result.error));
    Callback done = std::move(m->done);
    done(std::move(m->result));
  }
};

SmtpClient::SmtpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SmtpClient::~SmtpClient() = default;

Result<std::unique_ptr<SmtpClient>> SmtpClient::create(io::EventLoop& loop, SmtpConfig config,
                                                       Logger* logger) {
  if (config.host.empty()) return make_error("smtp", "no relay host");
  if (config.from.empty()) return make_error("smtp", "no from address");
  if (config.port < 1 || config.port > 65535) return make_error("smtp", "bad port");
  auto impl = std::make_unique<Impl>(loop, std::move(config), logger);
  const SmtpConfig& c = impl->config;
  std::string host = c.host;
  if (host.find(':') != std::string::npos && host.front() != '[') host = "[" + host + "]";
  impl->url = std::string(c.tls == SmtpConfig::Tls::kImplicit ? "smtps://" : "smtp://") + host +
              ":" + std::to_string(c.port) + "/keyline";  // the path is the EHLO name
  Impl* raw = impl.get();
  impl->curl =
      CurlLoop::create(loop, [raw](CURL* easy, CURLcode code) { raw->on_done(easy, code); });
  if (!impl->curl) return make_error("smtp", "libcurl could not be initialised");
  return std::unique_ptr<SmtpClient>(new SmtpClient(std::move(impl)));
}

SmtpClient::RequestId SmtpClient::send(EmailMessage message, Callback done) {
  Impl& impl = *impl_;
  auto m = std::make_unique<Impl::Message>();
  m->id = impl.next_id++;
  m->done = std::move(done);
  m->started = std::chrono::steady_clock::now();
  m->text = format_email(impl.config, message, rfc5322_date(),
                         random_id() + "@" + domain_of(impl.config.from));
  Impl::Message& ref = *m;
  impl.messages.emplace(ref.id, std::move(m));
  const bool started = impl.configure(ref, message) && impl.curl->add(ref.easy);
  for (auto& a : message.to) secure_wipe(a);
  for (auto& a : message.cc) secure_wipe(a);
  secure_wipe(message.subject);
  secure_wipe(message.body);
  if (!started) {
    ref.result.error = "smtp: cannot start a transfer";
    impl.release(ref);
    impl.post_complete(ref.id);  // never from inside send()
  }
  return ref.id;
}

void SmtpClient::cancel(RequestId id) {
  auto it = impl_->messages.find(id);
  if (it == impl_->messages.end()) return;
  impl_->release(*it->second);
  impl_->messages.erase(it);
}

std::size_t SmtpClient::in_flight() const { return impl_->messages.size(); }

}  // namespace keyline::services
