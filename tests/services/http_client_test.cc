// The HTTP client against real local web servers (tests/services/test_web_server.h): TLS with
// a certificate made by the test, plain http, and a raw TCP peer that does not speak HTTP.
#include "services/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <thread>

#include "api/tls_identity.h"
#include "test_web_server.h"

namespace keyline::services {
namespace {

using testing::TestWebServer;

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-http-test-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto identity = api::load_or_create_tls_identity("", "", dir_);
    ASSERT_TRUE(identity) << identity.error().message;
    identity_ = *identity;
    tls_ = std::make_unique<TestWebServer>(identity_.cert_pem, identity_.key_pem);
    plain_ = std::make_unique<TestWebServer>("", "");
    ASSERT_TRUE(tls_->ok());
    ASSERT_TRUE(plain_->ok());
    auto loop = io::EventLoop::create();
    ASSERT_TRUE(loop);
    loop_ = std::move(*loop);
  }
  void TearDown() override {
    tls_.reset();
    plain_.reset();
    std::filesystem::remove_all(dir_);
  }

  HttpClientConfig config(std::vector<std::string> allow = {"127.0.0.1"}, bool https_only = false) {
    HttpClientConfig c;
    auto policy = EgressPolicy::parse(allow, https_only);
    EXPECT_TRUE(policy);
    c.egress = *policy;
    c.ca_file = identity_.cert_path;
    return c;
  }

  // Runs one request to completion on the loop (a 60 s guard stops a hung test).
  HttpResponse fetch(HttpRequest request, HttpClientConfig c) {
    auto client = HttpClient::create(*loop_, std::move(c), nullptr);
    EXPECT_TRUE(client);
    std::optional<HttpResponse> out;
    (*client)->start(std::move(request), [&](HttpResponse r) {
      out = std::move(r);
      loop_->stop();
    });
    const auto guard = loop_->add_timer(std::chrono::seconds(60), [&] { loop_->stop(); });
    loop_->run();
    loop_->cancel_timer(guard);
    EXPECT_TRUE(out.has_value()) << "no response within the guard time";
    return out ? std::move(*out) : HttpResponse{HttpError::kOther, "none"};
  }

  static HttpRequest get(std::string url) {
    HttpRequest r;
    r.url = std::move(url);
    return r;
  }

  std::string dir_;
  api::TlsIdentity identity_;
  std::unique_ptr<TestWebServer> tls_;
  std::unique_ptr<TestWebServer> plain_;
  std::unique_ptr<io::EventLoop> loop_;
};

std::string header(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (strcasecmp(n.c_str(), std::string(name).c_str()) == 0) return v;
  }
  return "";
}

TEST_F(HttpClientTest, GetOverHttps) {
  auto r = fetch(get(tls_->base() + "/hello"), config());
  ASSERT_TRUE(r.ok()) << http_error_name(r.error) << ": " << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(header(r, "x-test"), "yes");
}

TEST_F(HttpClientTest, PostSendsHeadersAndBody) {
  HttpRequest req = get(tls_->base() + "/echo");
  req.method = "POST";
  req.headers = {{"X-Token", "t-123"}, {"Content-Type", "application/json"}};
  req.body = R"({"amount":12.5})";
  auto r = fetch(req, config());
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.body, "POST\nt-123\napplication/json\n{\"amount\":12.5}");
}

TEST_F(HttpClientTest, PutPatchDeleteUseTheirMethod) {
  for (const char* method : {"PUT", "PATCH", "DELETE"}) {
    HttpRequest req = get(tls_->base() + "/echo");
    req.method = method;
    req.body = std::string(method) == "DELETE" ? "" : "x=1";
    auto r = fetch(req, config());
    ASSERT_TRUE(r.ok()) << method << ": " << r.error_message;
    EXPECT_EQ(r.body.substr(0, r.body.find('\n')), method);
    EXPECT_NE(r.body.find(req.body), std::string::npos);
  }
}

TEST_F(HttpClientTest, ServerErrorIsAResponse) {
  auto r = fetch(get(tls_->base() + "/status/500"), config());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "boom");
}

TEST_F(HttpClientTest, SlowServerTimesOut) {
  HttpRequest req = get(tls_->base() + "/slow");
  req.timeout = std::chrono::milliseconds(300);
  auto r = fetch(req, config());
  EXPECT_EQ(r.error, HttpError::kTimeout) << http_error_name(r.error) << ": " << r.error_message;
  EXPECT_EQ(r.status, 0);
}

TEST_F(HttpClientTest, OversizeBodyFails) {
  auto r = fetch(get(tls_->base() + "/big"), config());  // 2 MiB over the 1 MiB default
  EXPECT_EQ(r.error, HttpError::kTooLarge) << r.error_message;
  HttpRequest req = get(tls_->base() + "/big");
  req.max_response_bytes = 4 << 20;
  auto ok = fetch(req, config());
  ASSERT_TRUE(ok.ok()) << ok.error_message;
  EXPECT_EQ(ok.body.size(), std::size_t{2} << 20);
}

TEST_F(HttpClientTest, UntrustedCertificateFails) {
  HttpClientConfig c = config();
  c.ca_file.clear();  // the system store does not know the test's certificate
  auto r = fetch(get(tls_->base() + "/hello"), c);
  EXPECT_EQ(r.error, HttpError::kTls) << http_error_name(r.error) << ": " << r.error_message;
  EXPECT_EQ(r.status, 0);
}

TEST_F(HttpClientTest, RedirectsAreNotFollowedByDefault) {
  auto r = fetch(get(tls_->base() + "/redirect"), config());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.status, 302);
  EXPECT_EQ(header(r, "location"), "/hello");
}

TEST_F(HttpClientTest, RedirectsFollowedWhenAllowed) {
  HttpRequest req = get(tls_->base() + "/redirect");
  req.max_redirects = 3;
  auto r = fetch(req, config());
  ASSERT_TRUE(r.ok()) << r.error_message;
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "hello");
  EXPECT_EQ(r.redirects, 1);

  HttpRequest loop = get(tls_->base() + "/loop");
  loop.max_redirects = 3;
  auto endless = fetch(loop, config());
  EXPECT_EQ(endless.error, HttpError::kProtocol);
  EXPECT_EQ(endless.redirects, 3);
}

TEST_F(HttpClientTest, RedirectToPlainHttpRefusedUnderHttpsOnly) {
  HttpRequest req = get(tls_->base() + "/to-http");
  req.max_redirects = 3;
  req.https_only = true;
  auto r = fetch(req, config());
  EXPECT_EQ(r.error, HttpError::kEgressDenied) << http_error_name(r.error);
}

TEST_F(HttpClientTest, HostOutsideAllowListIsRefusedBeforeConnecting) {
  auto r = fetch(get(tls_->base() + "/hello"), config({"api.example.com"}));
  EXPECT_EQ(r.error, HttpError::kEgressDenied);
  EXPECT_NE(r.error_message.find("allow-list"), std::string::npos);
  // A name allowed by no entry, resolving to an address outside the only range.
  auto by_address = fetch(get("https://localhost:" + std::to_string(tls_->port()) + "/hello"),
                          config({"10.0.0.0/8"}));
  EXPECT_EQ(by_address.error, HttpError::kEgressDenied) << http_error_name(by_address.error);
  EXPECT_EQ(tls_->connections(), 0);  // no socket reached the server
  EXPECT_EQ(tls_->requests(), 0);
}

TEST_F(HttpClientTest, AllowedRangeLetsANameThrough) {
  auto r = fetch(get("https://localhost:" + std::to_string(tls_->port()) + "/hello"),
                 config({"127.0.0.0/8", "::1/128"}));
  ASSERT_TRUE(r.ok()) << http_error_name(r.error) << ": " << r.error_message;
  EXPECT_EQ(r.body, "hello");
}

TEST_F(HttpClientTest, HttpsOnlyRefusesPlainHttp) {
  auto plain = fetch(get(plain_->base() + "/hello"), config());
  ASSERT_TRUE(plain.ok()) << plain.error_message;
  EXPECT_EQ(plain.body, "hello");
  HttpRequest req = get(plain_->base() + "/hello");
  req.https_only = true;  // e.g. the request carries a private value
  EXPECT_EQ(fetch(req, config()).error, HttpError::kEgressDenied);
  EXPECT_EQ(fetch(get(plain_->base() + "/hello"), config({"127.0.0.1"}, true)).error,
            HttpError::kEgressDenied);
  EXPECT_EQ(plain_->requests(), 1);
}

TEST_F(HttpClientTest, BadUrlsFail) {
  EXPECT_EQ(fetch(get("ftp://127.0.0.1/x"), config()).error, HttpError::kBadUrl);
  EXPECT_EQ(fetch(get("not a url"), config()).error, HttpError::kBadUrl);
}

TEST_F(HttpClientTest, ConnectionIsReused) {
  auto client = HttpClient::create(*loop_, config(), nullptr);
  ASSERT_TRUE(client);
  int done = 0;
  std::function<void()> next = [&] {
    (*client)->start(get(tls_->base() + "/hello"), [&](HttpResponse r) {
      EXPECT_EQ(r.status, 200);
      if (++done == 3) {
        loop_->stop();
      } else {
        next();
      }
    });
  };
  next();
  const auto guard = loop_->add_timer(std::chrono::seconds(60), [&] { loop_->stop(); });
  loop_->run();
  loop_->cancel_timer(guard);
  EXPECT_EQ(done, 3);
  EXPECT_EQ(tls_->requests(), 3);
  EXPECT_EQ(tls_->connections(), 1);
}

TEST_F(HttpClientTest, CancelledRequestNeverCallsBack) {
  auto client = HttpClient::create(*loop_, config(), nullptr);
  ASSERT_TRUE(client);
  bool called = false;
  const auto id =
      (*client)->start(get(tls_->base() + "/slow"), [&](HttpResponse) { called = true; });
  // Let the request reach the server, then cancel it.
  loop_->add_timer(std::chrono::milliseconds(200), [&] {
    (*client)->cancel(id);
    loop_->add_timer(std::chrono::milliseconds(100), [&] { loop_->stop(); });
  });
  loop_->run();
  EXPECT_FALSE(called);
  EXPECT_EQ((*client)->in_flight(), 0u);
}

// The loop keeps running other work (a media tick, say) while many requests wait on a slow
// server: nothing in the client blocks.
TEST_F(HttpClientTest, ManySlowRequestsDoNotBlockTheLoop) {
  auto client = HttpClient::create(*loop_, config(), nullptr);
  ASSERT_TRUE(client);
  constexpr int kRequests = 40;
  int answered = 0;
  std::vector<HttpClient::RequestId> ids;
  for (int i = 0; i < kRequests; ++i) {
    HttpRequest r = get(tls_->base() + "/slow");
    r.timeout = std::chrono::seconds(60);
    ids.push_back((*client)->start(std::move(r), [&](HttpResponse) { ++answered; }));
  }
  int ticks = 0;
  io::TimerId tick = loop_->add_periodic(std::chrono::milliseconds(10), [&] {
    // Stop once every request reached the server and the tick kept going meanwhile.
    if (++ticks >= 20 && tls_->connections() >= kRequests) loop_->stop();
  });
  const auto guard = loop_->add_timer(std::chrono::seconds(50), [&] { loop_->stop(); });
  loop_->run();
  loop_->cancel_timer(tick);
  loop_->cancel_timer(guard);
  EXPECT_GE(ticks, 20);
  EXPECT_EQ(tls_->connections(), kRequests);
  EXPECT_EQ(answered, 0);
  EXPECT_EQ((*client)->in_flight(), static_cast<std::size_t>(kRequests));
  for (auto id : ids) (*client)->cancel(id);
  EXPECT_EQ((*client)->in_flight(), 0u);
}

// A peer that answers anything with bytes that are not HTTP.
TEST_F(HttpClientTest, NonHttpReplyIsAProtocolError) {
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::thread peer([listener] {
    const int c = ::accept(listener, nullptr, nullptr);
    if (c < 0) return;
    char buf[4096];
    (void)::read(c, buf, sizeof buf);
    const char garbage[] = "this is not http at all\r\n\r\n";
    (void)::write(c, garbage, sizeof garbage - 1);
    ::close(c);
  });
  auto r = fetch(get("http://127.0.0.1:" + std::to_string(ntohs(addr.sin_port)) + "/x"), config());
  peer.join();
  ::close(listener);
  EXPECT_EQ(r.error, HttpError::kProtocol) << http_error_name(r.error) << ": " << r.error_message;
}

}  // namespace
}  // namespace keyline::services
