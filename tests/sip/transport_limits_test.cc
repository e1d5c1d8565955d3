// Stream connection housekeeping on loopback with real sockets: the idle
// timeout, the connection limits and RFC 5626 CRLF keep-alives. Deadlines
// are generous (30 s) and only bound a hang; nothing asserts speed.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/log.h"
#include "io/event_loop.h"
#include "io/tcp.h"
#include "sip/transport.h"

namespace keyline::sip {
namespace {

struct Client {
  std::shared_ptr<io::TcpConnection> conn;
  std::string received;
  bool closed = false;
};

class TransportLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = io::EventLoop::create();
    ASSERT_TRUE(loop);
    loop_ = std::move(*loop);
  }

  void start(TransportConfig config) {
    config.host = "127.0.0.1";
    config.port = 0;
    config.udp = false;
    config.tcp = true;
    auto t = Transport::create(
        *loop_, config, [](Message, const Peer&) {}, logger_);
    ASSERT_TRUE(t) << t.error().message;
    transport_ = std::move(*t);
  }

  std::unique_ptr<Client> connect() {
    auto client = std::make_unique<Client>();
    auto ep = io::Endpoint::parse("127.0.0.1", transport_->port());
    EXPECT_TRUE(ep);
    auto conn = io::TcpConnection::connect(*loop_, *ep);
    EXPECT_TRUE(conn) << conn.error().message;
    client->conn = *conn;
    Client* raw = client.get();
    client->conn->set_handlers(
        [raw](io::Stream&, std::string& buffer) {
          raw->received += buffer;
          buffer.clear();
        },
        [raw](io::Stream&) { raw->closed = true; });
    return client;
  }

  // Runs the loop until `done` or the deadline; returns `done()`.
  bool run_until(const std::function<bool()>& done, int ms = 30000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    io::TimerId poll = loop_->add_periodic(Millis(5), [&] {
      if (done() || std::chrono::steady_clock::now() > deadline) loop_->stop();
    });
    loop_->run();
    loop_->cancel_timer(poll);
    return done();
  }

  Logger logger_{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<Transport> transport_;
};

TEST_F(TransportLimitsTest, SilentConnectionIsClosedAfterTheIdleTimeout) {
  TransportConfig config;
  config.idle_timeout = Millis(100);
  start(config);
  auto client = connect();
  ASSERT_TRUE(run_until([&] { return client->closed; }));
  EXPECT_EQ(transport_->stats().idle_closed, 1u);
  EXPECT_TRUE(run_until([&] { return transport_->connections() == 0; }));
}

TEST_F(TransportLimitsTest, ZeroIdleTimeoutLeavesConnectionsOpen) {
  TransportConfig config;
  config.idle_timeout = Millis(0);
  start(config);
  auto client = connect();
  // Wait for the accept, then for a ping's answer: the connection is still up.
  ASSERT_TRUE(run_until([&] { return transport_->connections() == 1; }));
  client->conn->send("\r\n\r\n");
  ASSERT_TRUE(run_until([&] { return client->received == "\r\n"; }));
  EXPECT_FALSE(client->closed);
  EXPECT_EQ(transport_->stats().idle_closed, 0u);
}

TEST_F(TransportLimitsTest, DoubleCrlfPingIsAnsweredWithOneCrlfPong) {
  start(TransportConfig{});
  auto client = connect();
  client->conn->send("\r\n\r\n");
  ASSERT_TRUE(run_until([&] { return client->received.size() >= 2; }));
  EXPECT_EQ(client->received, "\r\n");
  EXPECT_EQ(transport_->stats().keepalive_pongs, 1u);
  // A single CRLF (a pong, or padding between messages) is not answered;
  // the ping after it is, once.
  client->conn->send("\r\n");
  client->conn->send("\r\n");
  ASSERT_TRUE(run_until([&] { return client->received.size() >= 4; }));
  EXPECT_EQ(client->received, "\r\n\r\n");
  EXPECT_EQ(transport_->stats().keepalive_pongs, 2u);
  EXPECT_FALSE(client->closed);
}

TEST_F(TransportLimitsTest, ConnectionsBeyondThePerSourceLimitAreRefused) {
  TransportConfig config;
  config.max_connections_per_source = 2;
  start(config);
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 3; ++i) clients.push_back(connect());
  auto closed = [&] {
    int n = 0;
    for (auto& c : clients) n += c->closed ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(
      run_until([&] { return transport_->stats().connections_refused == 1 && closed() == 1; }));
  EXPECT_EQ(transport_->connections(), 2u);
  // The two kept still work.
  for (auto& c : clients)
    if (!c->closed) c->conn->send("\r\n\r\n");
  ASSERT_TRUE(run_until([&] { return transport_->stats().keepalive_pongs == 2; }));
  EXPECT_EQ(closed(), 1);
}

TEST_F(TransportLimitsTest, ConnectionsBeyondTheTotalLimitAreRefused) {
  TransportConfig config;
  config.max_connections = 1;
  start(config);
  auto first = connect();
  ASSERT_TRUE(run_until([&] { return transport_->connections() == 1; }));
  auto second = connect();
  ASSERT_TRUE(run_until([&] { return second->closed; }));
  EXPECT_EQ(transport_->stats().connections_refused, 1u);
  EXPECT_FALSE(first->closed);
  EXPECT_EQ(transport_->connections(), 1u);
}

}  // namespace
}  // namespace keyline::sip
