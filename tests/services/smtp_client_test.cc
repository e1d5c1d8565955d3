// The SMTP client against a real SMTP server on loopback (tests/services/smtp_sink.h).
#include "services/smtp_client.h"

#include <gtest/gtest.h>

#include <optional>

#include "smtp_sink.h"

namespace keyline::services {
namespace {

using testing::SmtpSink;

class SmtpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto loop = io::EventLoop::create();
    ASSERT_TRUE(loop);
    loop_ = std::move(*loop);
  }

  static SmtpConfig config(std::uint16_t port) {
    SmtpConfig c;
    c.host = "127.0.0.1";
    c.port = port;
    c.from = "ivr@keyline.test";
    c.allow_plain_loopback = true;
    c.timeout = std::chrono::seconds(60);
    return c;
  }

  // Sends one message to completion on the loop (a 120 s guard stops a hung test).
  SmtpResult send(SmtpConfig c, EmailMessage m) {
    auto client = SmtpClient::create(*loop_, std::move(c), nullptr);
    EXPECT_TRUE(client) << (client ? "" : client.error().message);
    if (!client) return {};
    std::optional<SmtpResult> out;
    (*client)->send(std::move(m), [&](SmtpResult r) {
      out = std::move(r);
      loop_->stop();
    });
    const auto guard = loop_->add_timer(std::chrono::seconds(120), [&] { loop_->stop(); });
    loop_->run();
    loop_->cancel_timer(guard);
    EXPECT_TRUE(out.has_value()) << "no result within the guard time";
    return out ? std::move(*out) : SmtpResult{false, "none"};
  }

  static EmailMessage message() {
    EmailMessage m;
    m.to = {"ana@example.com"};
    m.cc = {"ops@example.com"};
    m.subject = "Order A-17";
    m.body = "Line one\n.starts with a dot\nLast line";
    return m;
  }

  std::unique_ptr<io::EventLoop> loop_;
};

TEST_F(SmtpClientTest, TheMessageArrivesWithItsHeadersAndBody) {
  SmtpSink sink;
  ASSERT_TRUE(sink.ok());
  const SmtpResult r = send(config(sink.port()), message());
  ASSERT_TRUE(r.ok) << r.error;
  const auto got = sink.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].mail_from, "<ivr@keyline.test>");
  EXPECT_EQ(got[0].rcpt_to, (std::vector<std::string>{"<ana@example.com>", "<ops@example.com>"}));
  const std::string& d = got[0].data;
  for (const char* expected :
       {"From: ivr@keyline.test\r\n", "To: ana@example.com\r\n", "Cc: ops@example.com\r\n",
        "Subject: Order A-17\r\n", "MIME-Version: 1.0\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n", "Message-ID: <",
        "\r\n\r\nLine one\r\n.starts with a dot\r\nLast line\r\n"}) {
    EXPECT_NE(d.find(expected), std::string::npos) << expected << "\n" << d;
  }
  EXPECT_NE(d.find("Date: "), std::string::npos);
}

TEST_F(SmtpClientTest, ANonAsciiSubjectIsEncoded) {
  SmtpSink sink;
  ASSERT_TRUE(sink.ok());
  EmailMessage m = message();
  m.subject = "Pedido confirmado — gracias";
  ASSERT_TRUE(send(config(sink.port()), m).ok);
  const auto got = sink.messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_NE(got[0].data.find("Subject: =?UTF-8?B?"), std::string::npos) << got[0].data;
}

TEST_F(SmtpClientTest, TlsIsRequiredUnlessPlainLoopbackIsAllowed) {
  SmtpSink sink;  // offers no STARTTLS
  ASSERT_TRUE(sink.ok());
  SmtpConfig c = config(sink.port());
  c.allow_plain_loopback = false;
  const SmtpResult r = send(c, message());
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("STARTTLS"), std::string::npos) << r.error;
  EXPECT_TRUE(sink.messages().empty());
}

TEST_F(SmtpClientTest, ARefusedRecipientIsAnError) {
  SmtpSink sink(/*reject_rcpt=*/true);
  ASSERT_TRUE(sink.ok());
  const SmtpResult r = send(config(sink.port()), message());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error.rfind("smtp: ", 0), 0u) << r.error;
  EXPECT_EQ(r.error.find("ana@example.com"), std::string::npos);
}

TEST_F(SmtpClientTest, NoRelayListeningIsAnError) {
  std::uint16_t port = 0;
  {
    SmtpSink closed;  // a port that was free a moment ago
    ASSERT_TRUE(closed.ok());
    port = closed.port();
  }
  const SmtpResult r = send(config(port), message());
  EXPECT_FALSE(r.ok);
  EXPECT_FALSE(r.error.empty());
}

TEST_F(SmtpClientTest, ACancelledMessageNeverCallsBack) {
  SmtpSink sink;
  ASSERT_TRUE(sink.ok());
  auto client = SmtpClient::create(*loop_, config(sink.port()), nullptr);
  ASSERT_TRUE(client);
  bool called = false;
  const auto id = (*client)->send(message(), [&](SmtpResult) { called = true; });
  (*client)->cancel(id);
  EXPECT_EQ((*client)->in_flight(), 0u);
  loop_->add_timer(std::chrono::milliseconds(200), [&] { loop_->stop(); });
  loop_->run();
  EXPECT_FALSE(called);
}

TEST(SmtpFormat, LongLinesAreBrokenAndLineEndsAreCrlf) {
  SmtpConfig c;
  c.from = "a@b.example";
  EmailMessage m;
  m.to = {"x@y.example"};
  m.body = std::string(2000, 'x') + "\nend";
  const std::string text = format_email(c, m, "Mon, 1 Jan 2024 00:00:00 +0000", "id@b.example");
  std::size_t longest = 0;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find("\r\n", start);
    if (end == std::string::npos) break;
    longest = std::max(longest, end - start);
    start = end + 2;
  }
  EXPECT_LE(longest, 998u);
  EXPECT_EQ(text.find('\n', 0) - 1, text.find("\r\n"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("mail.example.com"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
}

}  // namespace
}  // namespace keyline::services
