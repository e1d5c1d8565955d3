// TLS session reuse in the HTTP client: a second connection to a host resumes the first one's
// session (no full handshake), against a real OpenSSL server that reports, per connection,
// whether the handshake was resumed (tests/services/tls_resume_server.h).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <optional>

#include "api/tls_identity.h"
#include "services/http_client.h"
#include "tls_resume_server.h"

namespace keyline::services {
namespace {

using testing::TlsResumeServer;

class HttpTlsResumeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-tls-resume-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto identity = api::load_or_create_tls_identity("", "", dir_);
    ASSERT_TRUE(identity) << identity.error().message;
    identity_ = *identity;
    server_ = std::make_unique<TlsResumeServer>(identity_.cert_pem, identity_.key_pem);
    ASSERT_TRUE(server_->ok());
    auto loop = io::EventLoop::create();
    ASSERT_TRUE(loop);
    loop_ = std::move(*loop);
  }
  void TearDown() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<HttpClient> client() {
    HttpClientConfig c;
    auto policy = EgressPolicy::parse({"127.0.0.1"}, true);
    EXPECT_TRUE(policy);
    c.egress = *policy;
    c.ca_file = identity_.cert_path;
    auto made = HttpClient::create(*loop_, std::move(c), nullptr);
    EXPECT_TRUE(made);
    return made ? std::move(*made) : nullptr;
  }

  // One GET to completion on the loop; the body is the server's "new" or "resumed".
  std::string fetch(HttpClient& client) {
    HttpRequest request;
    request.url = server_->base() + "/";
    std::optional<HttpResponse> out;
    client.start(std::move(request), [&](HttpResponse r) {
      out = std::move(r);
      loop_->stop();
    });
    const auto guard = loop_->add_timer(std::chrono::seconds(60), [&] { loop_->stop(); });
    loop_->run();
    loop_->cancel_timer(guard);
    if (!out) return "no response within the guard time";
    if (!out->ok()) return std::string(http_error_name(out->error)) + ": " + out->error_message;
    return std::to_string(out->status) + " " + out->body;
  }

  std::string dir_;
  api::TlsIdentity identity_;
  std::unique_ptr<TlsResumeServer> server_;
  std::unique_ptr<io::EventLoop> loop_;
};

TEST_F(HttpTlsResumeTest, ANewConnectionResumesTheClientsEarlierSession) {
  auto c = client();
  ASSERT_TRUE(c);
  EXPECT_EQ(fetch(*c), "200 new");
  // The server closed the first connection: this is a second one, which resumes.
  EXPECT_EQ(fetch(*c), "200 resumed");
  EXPECT_EQ(fetch(*c), "200 resumed");
  EXPECT_EQ(server_->full_handshakes(), 1);
  EXPECT_EQ(server_->resumed_handshakes(), 2);
}

TEST_F(HttpTlsResumeTest, SessionsAreNotSharedBetweenClients) {
  // Each client (one per worker loop) has its own cache: no state is shared across threads.
  auto first = client();
  auto second = client();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(fetch(*first), "200 new");
  EXPECT_EQ(fetch(*second), "200 new");
  EXPECT_EQ(fetch(*second), "200 resumed");
  EXPECT_EQ(server_->full_handshakes(), 2);
}

TEST_F(HttpTlsResumeTest, ConnectionsOpenedAtOnceUseTheSharedSession) {
  // Concurrent connections to one host (calls waiting on a slow service) all start from the
  // session the first handshake left in the client's cache. Each completes; the server accepts
  // a TLS 1.3 ticket once, so at least one resumes (without the shared cache none could: each
  // transfer's own cache starts empty).
  auto c = client();
  ASSERT_TRUE(c);
  EXPECT_EQ(fetch(*c), "200 new");
  int done = 0;
  int resumed = 0;
  for (int i = 0; i < 8; ++i) {
    HttpRequest request;
    request.url = server_->base() + "/";
    c->start(std::move(request), [&](HttpResponse r) {
      EXPECT_TRUE(r.ok()) << r.error_message;
      if (r.body == "resumed") ++resumed;
      if (++done == 8) loop_->stop();
    });
  }
  const auto guard = loop_->add_timer(std::chrono::seconds(120), [&] { loop_->stop(); });
  loop_->run();
  loop_->cancel_timer(guard);
  EXPECT_EQ(done, 8);
  EXPECT_GE(resumed, 1);
  EXPECT_EQ(server_->resumed_handshakes(), resumed);
  // And the cache still serves the next connection.
  EXPECT_EQ(fetch(*c), "200 resumed");
}

}  // namespace
}  // namespace keyline::services
