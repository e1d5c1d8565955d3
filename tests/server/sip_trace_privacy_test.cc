// The SIP trace (debug log) with the server's redacting logger: a DTMF INFO's key never reaches
// a log line, whether the body is application/dtmf-relay ("Signal=4") or application/dtmf
// (the bare key, which no text recogniser could tell from any other digit).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

#include "base/log.h"
#include "io/event_loop.h"
#include "privacy/redact.h"
#include "sip/transport.h"

namespace keyline::server {
namespace {

std::string info(const std::string& type, const std::string& body, const std::string& branch) {
  return "INFO sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK" + branch +
         "\r\nFrom: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:100@127.0.0.1>;tag=2\r\n"
         "Call-ID: trace-1\r\nCSeq: 2 INFO\r\nContent-Type: " +
         type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

TEST(SipTracePrivacy, DtmfInfoBodiesAreNotLogged) {
  auto loop = io::EventLoop::create().value();
  std::vector<std::string> lines;
  Logger logger(
      LogLevel::kDebug, privacy::redact_text,
      [&lines](LogLevel, std::string_view, std::string_view line) { lines.emplace_back(line); });
  int received = 0;
  auto transport = sip::Transport::create(
      *loop, sip::TransportConfig{"127.0.0.1", 0, true, false},
      [&](sip::Message, const sip::Peer&) { ++received; }, logger);
  ASSERT_TRUE(transport) << transport.error().message;
  int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons((*transport)->port());
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (const auto& text : {info("application/dtmf-relay", "Signal=4\r\nDuration=160\r\n", "a"),
                           info("application/dtmf", "4", "b")}) {
    ASSERT_EQ(
        ::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to),
        static_cast<ssize_t>(text.size()));
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  io::TimerId poll = loop->add_periodic(Millis(5), [&] {
    if (received >= 2 || std::chrono::steady_clock::now() > deadline) loop->stop();
  });
  loop->run();
  loop->cancel_timer(poll);
  ::close(fd);
  ASSERT_EQ(received, 2);
  int traced = 0;
  for (const auto& line : lines) {
    if (line.find("recv from") == std::string::npos) continue;
    ++traced;
    EXPECT_EQ(line.find("Signal=4"), std::string::npos) << line;
    EXPECT_EQ(line.find("\r\n\r\n4"), std::string::npos) << line;
    EXPECT_EQ(line.find("\n\n4"), std::string::npos) << line;
  }
  EXPECT_EQ(traced, 2);
}

}  // namespace
}  // namespace keyline::server
