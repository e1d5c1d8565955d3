// TLS adapter behaviour that needs no certificates: bad files are start-up
// errors, a peer that never completes the handshake is cut off, and a peer
// that sends garbage instead of a ClientHello is closed with a reason.
// (Full handshakes, verification and TLS versions: tests/integration/tls_call_test.sh.)
#include "io/tls.h"

#include <gtest/gtest.h>

namespace keyline::io {
namespace {

TEST(Tls, MissingFilesAreErrorsNotCrashes) {
  auto server = TlsContext::server({"/nonexistent/cert.pem", "/nonexistent/key.pem", "", false});
  ASSERT_FALSE(server);
  EXPECT_NE(server.error().message.find("/nonexistent/cert.pem"), std::string::npos);
  auto client = TlsContext::client({"/nonexistent/ca.pem"});
  ASSERT_FALSE(client);
  EXPECT_NE(client.error().message.find("/nonexistent/ca.pem"), std::string::npos);
  auto system_store = TlsContext::client({});
  EXPECT_TRUE(system_store);
}

TEST(Tls, HandshakeTimesOutAgainstASilentPeer) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  std::vector<std::shared_ptr<TcpConnection>> accepted;  // accepts, never answers
  auto listener = TcpListener::listen(
      **loop, *Endpoint::parse("127.0.0.1", 0),
      [&](std::shared_ptr<TcpConnection> c) { accepted.push_back(std::move(c)); });
  ASSERT_TRUE(listener);
  TlsClientSettings settings;
  settings.handshake_timeout = Millis(100);
  auto ctx = TlsContext::client(settings);
  ASSERT_TRUE(ctx);
  auto conn = TlsConnection::connect(**loop, (*listener)->local(), *ctx, "");
  ASSERT_TRUE(conn);
  bool closed = false;
  (*conn)->set_handlers(nullptr, [&](Stream&) {
    closed = true;
    (*loop)->stop();
  });
  EXPECT_TRUE((*conn)->send("held until the handshake"));
  (*loop)->add_timer(Millis(10000), [&] { (*loop)->stop(); });  // safety net only
  (*loop)->run();
  EXPECT_TRUE(closed);
  EXPECT_FALSE((*conn)->established());
  EXPECT_EQ((*conn)->failure(), "handshake timeout");
}

TEST(Tls, GarbageInsteadOfTlsClosesWithAReason) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  TlsClientSettings settings;
  auto ctx = TlsContext::client(settings);
  ASSERT_TRUE(ctx);
  // A "server" that answers the ClientHello with plaintext SIP.
  std::vector<std::shared_ptr<TcpConnection>> accepted;
  auto listener = TcpListener::listen(
      **loop, *Endpoint::parse("127.0.0.1", 0), [&](std::shared_ptr<TcpConnection> c) {
        c->set_handlers(
            [](Stream& s, std::string& buf) {
              buf.clear();
              s.send("SIP/2.0 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
            },
            nullptr);
        accepted.push_back(std::move(c));
      });
  ASSERT_TRUE(listener);
  auto conn = TlsConnection::connect(**loop, (*listener)->local(), *ctx, "");
  ASSERT_TRUE(conn);
  bool closed = false;
  (*conn)->set_handlers(nullptr, [&](Stream&) {
    closed = true;
    (*loop)->stop();
  });
  (*loop)->add_timer(Millis(10000), [&] { (*loop)->stop(); });
  (*loop)->run();
  EXPECT_TRUE(closed);
  EXPECT_NE((*conn)->failure().find("handshake"), std::string::npos) << (*conn)->failure();
}

}  // namespace
}  // namespace keyline::io
