// The per-app egress list and the secure app's https rule: the pure checks, the parser's
// errors, and the interpreter refusing before anything reaches the host.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_egress.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;

TEST(AppEgress, UrlHost) {
  EXPECT_EQ(url_host("https://User:pw@API.Example.com:8443/x?y=1"), "api.example.com");
  EXPECT_EQ(url_host("https://api.example.com"), "api.example.com");
  EXPECT_EQ(url_host("https://[::1]:8443/x"), "::1");
  EXPECT_EQ(url_host("http://10.0.0.7/path"), "10.0.0.7");
  EXPECT_EQ(url_host("api.example.com/x"), "");
  EXPECT_EQ(url_host("https://[::1/x"), "");
}

TEST(AppEgress, EntryMatching) {
  EXPECT_TRUE(egress_entry_matches("api.example.com", "API.example.COM"));
  EXPECT_FALSE(egress_entry_matches("api.example.com", "api.example.com.evil.net"));
  EXPECT_FALSE(egress_entry_matches("api.example.com", "xapi.example.com"));
  EXPECT_TRUE(egress_entry_matches("*.example.com", "pay.eu.example.com"));
  EXPECT_FALSE(egress_entry_matches("*.example.com", "example.com"));
  EXPECT_FALSE(egress_entry_matches("*.example.com", "badexample.com"));
  EXPECT_FALSE(egress_entry_matches("api.example.com", ""));
}

TEST(AppEgress, Refusals) {
  AppSettings open;
  EXPECT_FALSE(app_egress_refusal(open, "http://anything.example/x"));
  AppSettings secure;
  secure.secure = true;
  EXPECT_EQ(app_egress_refusal(secure, "http://api.example.com/x").value_or(""),
            "a secure app calls web services over https:// only");
  EXPECT_EQ(app_egress_refusal(secure, "HTTP://api.example.com/x").value_or(""),
            "a secure app calls web services over https:// only");
  EXPECT_FALSE(app_egress_refusal(secure, "HTTPS://api.example.com/x"));
  AppSettings listed;
  listed.egress = std::vector<std::string>{"api.example.com"};
  EXPECT_FALSE(app_egress_refusal(listed, "https://api.example.com/card/4111111111111111"));
  const auto refused = app_egress_refusal(listed, "https://evil.example.net/card/4111111111111111");
  ASSERT_TRUE(refused);
  EXPECT_EQ(*refused, "egress_denied: host evil.example.net is not on the app's egress list");
  listed.egress = std::vector<std::string>{};  // an empty list allows nothing
  EXPECT_TRUE(app_egress_refusal(listed, "https://api.example.com/x"));
}

TEST(AppEgress, EntriesAreChecked) {
  EXPECT_TRUE(check_egress_entries({"api.example.com", "*.example.com", "10.0.0.7"}).empty());
  EXPECT_EQ(check_egress_entries({"https://api.example.com", "*", "api.example.com:443",
                                  "api.example.com/x", "*.*.example.com", ""})
                .size(),
            6u);
}

std::string app_json(std::string_view settings, std::string_view url) {
  return R"({"name": "t", "settings": {)" + std::string(settings) +
         R"(}, "pages": [{"name": "p", "modules": [
    {"type": "rest", "name": "pay", "method": "GET", "url": ")" +
         std::string(url) + R"(", "exits": {"error": "sorry"}},
    {"type": "exit", "name": "done"},
    {"type": "prompt", "name": "sorry", "text": "{{pay$.error}}"}]}]})";
}

TEST(AppEgress, ParserRejectsBadEntries) {
  auto app =
      parse_app(app_json(R"("egress": ["https://api.example.com", 7])", "https://a.b/"), "t.json");
  ASSERT_FALSE(app.ok());
  EXPECT_NE(app.error().message.find("t.json:1:"), std::string::npos) << app.error().message;
  EXPECT_NE(app.error().message.find("must be a host name"), std::string::npos);
  EXPECT_NE(app.error().message.find("'egress' must be a \"quoted\" string"), std::string::npos);
  EXPECT_FALSE(
      parse_app(app_json(R"("egress": "api.example.com")", "https://a.b/"), "t.json").ok());
}

// Runs the one-module app; returns what the caller heard (the error) or "sent".
std::string run(std::string_view settings, std::string_view url) {
  auto app = parse_app(app_json(settings, url), "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  if (!app.ok()) return "(no app)";
  FakeFlowHost host;
  Interpreter call(*app, host, {});
  call.start();
  if (!host.web_requests.empty()) return "sent " + host.web_requests[0].url;
  return host.plays.empty() ? "(nothing)" : host.last_text();
}

TEST(AppEgress, InterpreterRefusesBeforeTheHostSeesTheRequest) {
  const std::string list = R"("egress": ["api.example.com", "*.pay.example"])";
  EXPECT_EQ(run(list, "https://api.example.com/x"), "sent https://api.example.com/x");
  EXPECT_EQ(run(list, "https://eu.pay.example/x"), "sent https://eu.pay.example/x");
  EXPECT_EQ(run(list, "https://other.example.com/x"),
            "egress_denied: host other.example.com is not on the app's egress list");
  EXPECT_EQ(run("", "https://other.example.com/x"), "sent https://other.example.com/x");
}

}  // namespace
}  // namespace keyline::flow
