// Connections held by another worker's transport (docs/sip.md, "Workers"): a stream message's
// Peer names its connection by an id; bytes for a peer whose connection another transport holds
// go to the hand-back hook instead of any socket; the holder writes bytes handed back to it on
// the connection with that id. Real sockets on loopback; deadlines only bound a hang.
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
};

constexpr const char* kOptions =
    "OPTIONS sip:100@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:9;branch=z9hG4bK-held\r\n"
    "From: <sip:a@x>;tag=1\r\nTo: <sip:100@x>\r\nCall-ID: held@test\r\nCSeq: 1 OPTIONS\r\n"
    "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

class TransportHeldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = io::EventLoop::create();
    ASSERT_TRUE(loop);
    loop_ = std::move(*loop);
    TransportConfig config;
    config.host = "127.0.0.1";
    config.port = 0;
    config.udp = false;
    auto t = Transport::create(
        *loop_, config, [this](Message, const Peer& from) { peers_.push_back(from); }, logger_);
    ASSERT_TRUE(t) << t.error().message;
    transport_ = std::move(*t);
  }

  std::unique_ptr<Client> connect() {
    auto client = std::make_unique<Client>();
    auto conn =
        io::TcpConnection::connect(*loop_, *io::Endpoint::parse("127.0.0.1", transport_->port()));
    EXPECT_TRUE(conn) << conn.error().message;
    client->conn = *conn;
    Client* raw = client.get();
    client->conn->set_handlers(
        [raw](io::Stream&, std::string& buffer) {
          raw->received += buffer;
          buffer.clear();
        },
        [](io::Stream&) {});
    return client;
  }

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
  std::vector<Peer> peers_;
};

TEST_F(TransportHeldTest, EachConnectionHasAnIdAndBytesHandedBackGoOnIt) {
  auto first = connect();
  auto second = connect();
  first->conn->send(kOptions);
  ASSERT_TRUE(run_until([&] { return peers_.size() == 1; }));
  second->conn->send(kOptions);
  ASSERT_TRUE(run_until([&] { return peers_.size() == 2; }));
  ASSERT_NE(peers_[0].connection_id, 0u);
  ASSERT_NE(peers_[1].connection_id, 0u);
  EXPECT_NE(peers_[0].connection_id, peers_[1].connection_id);

  // As another worker would: no connection, only the holder's id for it.
  Peer handed = peers_[1];
  handed.connection.reset();
  handed.held_elsewhere = HeldConnection{0, peers_[1].connection_id};
  ASSERT_TRUE(transport_->send_on_held(peers_[1].connection_id, "SIP/2.0 200 OK\r\n\r\n", handed));
  ASSERT_TRUE(run_until([&] { return !second->received.empty(); }));
  EXPECT_EQ(second->received, "SIP/2.0 200 OK\r\n\r\n");
  EXPECT_TRUE(first->received.empty()) << "only the connection with that id";
}

TEST_F(TransportHeldTest, BytesForAConnectionHeldElsewhereGoToTheHandBackHook) {
  auto client = connect();
  client->conn->send(kOptions);
  ASSERT_TRUE(run_until([&] { return peers_.size() == 1; }));
  std::vector<std::pair<std::string, Peer>> handed_back;
  transport_->set_hand_back([&](const std::string& bytes, const Peer& to) {
    handed_back.emplace_back(bytes, to);
    return true;
  });
  Peer elsewhere = peers_[0];
  elsewhere.connection.reset();
  elsewhere.held_elsewhere = HeldConnection{1, 42};
  EXPECT_TRUE(transport_->send_raw("SIP/2.0 200 OK\r\n\r\n", elsewhere));
  ASSERT_EQ(handed_back.size(), 1u);
  EXPECT_EQ(handed_back[0].second.held_elsewhere->holder, 1u);
  EXPECT_EQ(handed_back[0].second.held_elsewhere->id, 42u);
  // Nothing reaches the socket from here: the holder writes it.
  run_until([&] { return !client->received.empty(); }, 200);
  EXPECT_TRUE(client->received.empty());
}

}  // namespace
}  // namespace keyline::sip
