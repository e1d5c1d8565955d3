// A tiny SMTP server for the SMTP client's tests: plain ESMTP on 127.0.0.1, port 0, one
// thread, connections served one at a time. It records each message's envelope and data.
// It never offers STARTTLS, so a client that requires TLS must refuse to go on.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace keyline::services::testing {

struct SunkMessage {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;  // as received, dot-stuffing undone, without the final "."
  std::string auth;  // the AUTH line, if any
};

class SmtpSink {
 public:
  // reject_rcpt: every RCPT TO gets 550.
  explicit SmtpSink(bool reject_rcpt = false) : reject_rcpt_(reject_rcpt) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 8) != 0 || ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      return;
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~SmtpSink() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return port_ != 0; }
  std::uint16_t port() const { return port_; }
  std::vector<SunkMessage> messages() {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      session(c);
      ::close(c);
    }
  }

  // One line, CRLF stripped; false when the peer went away (or the sink is stopping).
  bool read_line(int c, std::string& buffer, std::string& line) {
    while (true) {
      const auto end = buffer.find("\r\n");
      if (end != std::string::npos) {
        line = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        return true;
      }
      pollfd p{c, POLLIN, 0};
      const int ready = ::poll(&p, 1, 100);
      if (stop_) return false;
      if (ready <= 0) continue;
      char chunk[4096];
      const ssize_t n = ::read(c, chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
  }

  static void say(int c, const std::string& text) {
    const std::string out = text + "\r\n";
    [[maybe_unused]] ssize_t n = ::write(c, out.data(), out.size());
  }

  static std::string upper(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return s;
  }

  void session(int c) {
    std::string buffer, line;
    SunkMessage m;
    say(c, "220 sink.test ESMTP");
    while (read_line(c, buffer, line)) {
      const std::string cmd = upper(line.substr(0, 4));
      if (cmd == "EHLO") {
        say(c, "250-sink.test");
        say(c, "250-AUTH PLAIN");
        say(c, "250 8BITMIME");
      } else if (cmd == "HELO") {
        say(c, "250 sink.test");
      } else if (cmd == "AUTH") {
        m.auth = line;
        say(c, "235 ok");
      } else if (cmd == "MAIL") {
        m = SunkMessage{"", {}, "", m.auth};
        m.mail_from = line.substr(line.find(':') + 1);
        say(c, "250 ok");
      } else if (cmd == "RCPT") {
        if (reject_rcpt_) {
          say(c, "550 no such user");
          continue;
        }
        m.rcpt_to.push_back(line.substr(line.find(':') + 1));
        say(c, "250 ok");
      } else if (cmd == "DATA") {
        say(c, "354 go ahead");
        std::string data;
        while (read_line(c, buffer, line) && line != ".") {
          if (!line.empty() && line[0] == '.') line.erase(0, 1);
          data += line + "\r\n";
        }
        m.data = data;
        {
          std::lock_guard<std::mutex> lock(mutex_);
          messages_.push_back(m);
        }
        say(c, "250 queued");
      } else if (cmd == "QUIT") {
        say(c, "221 bye");
        return;
      } else if (cmd == "RSET" || cmd == "NOOP") {
        say(c, "250 ok");
      } else {
        say(c, "502 not implemented");
      }
    }
  }

  bool reject_rcpt_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<SunkMessage> messages_;
};

}  // namespace keyline::services::testing
