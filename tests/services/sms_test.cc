// The SMS provider's request, the phone-number check (libphonenumber), and one message
// posted through the HTTP client to a real HTTPS server on loopback.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>

#include "api/tls_identity.h"
#include "services/http_client.h"
#include "services/phone_number.h"
#include "services/sms_provider.h"
#include "test_web_server.h"

namespace keyline::services {
namespace {

SmsProviderConfig provider(std::string url) {
  SmsProviderConfig c;
  c.url = std::move(url);
  c.from = "+15005550006";
  c.auth_value = "Basic dGVzdDp0ZXN0";
  return c;
}

std::string header(const HttpRequest& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "(none)";
}

TEST(SmsRequest, TwilioCompatibleForm) {
  const HttpRequest r =
      build_sms_request(provider("https://sms.example/send"), "+14155552671", "Hi & bye = 100%");
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.body, "To=%2B14155552671&From=%2B15005550006&Body=Hi%20%26%20bye%20%3D%20100%25");
  EXPECT_EQ(header(r, "Content-Type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(header(r, "Authorization"), "Basic dGVzdDp0ZXN0");
  EXPECT_TRUE(r.https_only);
  EXPECT_TRUE(r.carries_private);
}

TEST(SmsRequest, JsonWebhook) {
  SmsProviderConfig c = provider("https://sms.example/send");
  c.format = SmsProviderConfig::Format::kJson;
  c.auth_header = "X-Api-Key";
  c.auth_value = "k1";
  const HttpRequest r = build_sms_request(c, "+14155552671", "say \"hi\"\n");
  EXPECT_EQ(r.body, R"({"to":"+14155552671","from":"+15005550006","text":"say \"hi\"\n"})");
  EXPECT_EQ(header(r, "Content-Type"), "application/json");
  EXPECT_EQ(header(r, "X-Api-Key"), "k1");
  EXPECT_EQ(header(r, "Authorization"), "(none)");
}

TEST(PhoneNumber, ValidNumbersAreNormalisedOthersRefused) {
  auto us = normalize_phone_number("+1 415-555-2671");
  ASSERT_TRUE(us) << us.error().message;
  EXPECT_EQ(*us, "+14155552671");
  auto uk = normalize_phone_number("+442071838750");
  ASSERT_TRUE(uk);
  EXPECT_EQ(*uk, "+442071838750");
  EXPECT_FALSE(normalize_phone_number("+1234"));         // too short for any plan
  EXPECT_FALSE(normalize_phone_number("+10005552671"));  // no US area code starts with 0
  EXPECT_FALSE(normalize_phone_number("4155552671"));    // no country code
  EXPECT_FALSE(normalize_phone_number("+hello"));
  const auto refused = normalize_phone_number("+10005552671");
  EXPECT_EQ(refused.error().message.find("555"), std::string::npos);  // names no digits
}

TEST(SmsProvider, TheMessageReachesAnHttpsProvider) {
  char tmpl[] = "/tmp/keyline-sms-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  auto identity = api::load_or_create_tls_identity("", "", dir);
  ASSERT_TRUE(identity) << identity.error().message;
  {
    testing::TestWebServer server(identity->cert_pem, identity->key_pem);
    ASSERT_TRUE(server.ok());
    auto loop = io::EventLoop::create();
    ASSERT_TRUE(loop);
    HttpClientConfig c;
    c.egress = *EgressPolicy::parse({"127.0.0.1"}, true);
    c.ca_file = identity->cert_path;
    auto client = HttpClient::create(**loop, c, nullptr);
    ASSERT_TRUE(client);
    SmsProviderConfig p = provider(server.base() + "/echo");
    p.auth_header = "X-Token";
    p.auth_value = "secret-token";
    std::optional<HttpResponse> out;
    (*client)->start(build_sms_request(p, "+14155552671", "Order A-17 shipped"),
                     [&](HttpResponse r) {
                       out = std::move(r);
                       (*loop)->stop();
                     });
    const auto guard = (*loop)->add_timer(std::chrono::seconds(60), [&] { (*loop)->stop(); });
    (*loop)->run();
    (*loop)->cancel_timer(guard);
    ASSERT_TRUE(out.has_value());
    ASSERT_TRUE(out->ok()) << out->error_message;
    EXPECT_EQ(out->status, 200);
    EXPECT_EQ(out->body,
              "POST\nsecret-token\napplication/x-www-form-urlencoded\n"
              "To=%2B14155552671&From=%2B15005550006&Body=Order%20A-17%20shipped");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace keyline::services
