// Subdialog: the loader's checks and privacy rules, and fetched sub-flows run through the real
// interpreter, with the scripted host playing the web service (POST/GET, cache per call,
// errors, timeouts, invalid documents).
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/interpreter.h"
#include "flow/json_value.h"
#include "flow/privacy_audit.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;
using testing::finish_prompt;

const char* const kSubFlow = R"json({"name": "greeter", "pages": [{"name": "p", "modules": [
    {"type": "prompt", "name": "hi", "text": "Hi {{customer}}"},
    {"type": "set_variable", "name": "s", "rows": [{"name": "answer", "expression": "'42'"}]},
    {"type": "exit", "name": "bye"}]}]})json";

std::string caller(std::string_view extra, bool secure = false) {
  return std::string(R"({"name": "main", )") + (secure ? R"("settings": {"secure": true}, )" : "") +
         R"("variables": {"name": "Ada"},
    "pages": [{"name": "start", "modules": [
      {"type": "subdialog", "name": "sub", "url": "https://flows.example.com/f/{{name}}",
       "variables_in": {"customer": "name"}, "variables_out": ["answer"], )" +
         std::string(extra) + R"( "exits": {"error": "failed", "timeout": "slow"}},
      {"type": "prompt", "name": "after", "text": "Back {{sub.answer}}"},
      {"type": "goto_page", "name": "again", "page": "twice"},
      {"type": "prompt", "name": "failed", "text": "Failed {{sub$.error}}"},
      {"type": "exit", "name": "end1"},
      {"type": "prompt", "name": "slow", "text": "Slow"},
      {"type": "exit", "name": "end2"}]},
     {"name": "twice", "modules": [
      {"type": "subdialog", "name": "sub2", "url": "https://flows.example.com/f/{{name}}",
       "variables_in": {"customer": "name"}},
      {"type": "exit", "name": "end3"}]}]})";
}

struct Call {
  explicit Call(const std::string& json) {
    auto parsed = parse_app(json, "main.json");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    app = parsed.ok() ? std::move(parsed).value() : AppDocument{};
    interpreter = std::make_unique<Interpreter>(app, host, Variables{});
    interpreter->start();
  }
  void answer(int status, std::string body) {
    WebResponse r;
    r.status = status;
    r.body = std::move(body);
    interpreter->on_web_response(std::move(r));
  }
  std::string var(std::string_view name) {
    return interpreter->variables().get(name).value_or("-");
  }
  AppDocument app;
  FakeFlowHost host;
  std::unique_ptr<Interpreter> interpreter;
};

TEST(Subdialog, PostsTheVariablesRunsTheFetchedFlowAndReturnsItsVariables) {
  Call call(caller(""));
  ASSERT_EQ(call.host.web_requests.size(), 1u);
  const WebRequest& r = call.host.web_requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://flows.example.com/f/Ada");
  auto body = parse_json_value(r.body);
  ASSERT_TRUE(body) << r.body;
  Variables parsed;
  parsed.set_value("b", std::move(*body));
  EXPECT_EQ(parsed.get("b.variables.customer").value_or("-"), "Ada");
  call.answer(200, kSubFlow);
  EXPECT_EQ(call.host.last_text(), "Hi Ada");
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(call.host.last_text(), "Back 42");
  EXPECT_EQ(call.var("sub.answer"), "42");
  EXPECT_EQ(call.var("sub$.status"), "done");
  EXPECT_EQ(call.var("answer"), "-");  // the sub-flow's own variables stay there
  // The same URL again in this call: the document is not fetched a second time.
  finish_prompt(*call.interpreter, call.host);
  EXPECT_EQ(call.host.web_requests.size(), 1u);
  EXPECT_EQ(call.host.last_text(), "Hi Ada");
}

TEST(Subdialog, GetPutsTheVariablesInTheQuery) {
  Call call(caller(R"("method": "GET",)"));
  ASSERT_EQ(call.host.web_requests.size(), 1u);
  EXPECT_EQ(call.host.web_requests[0].method, "GET");
  EXPECT_EQ(call.host.web_requests[0].url, "https://flows.example.com/f/Ada?customer=Ada");
  EXPECT_TRUE(call.host.web_requests[0].body.empty());
}

TEST(Subdialog, ErrorsTakeTheErrorExitAndTimeoutsTheTimeoutExit) {
  {
    Call call(caller(""));
    call.answer(500, "boom");
    EXPECT_EQ(call.host.last_text(), "Failed HTTP status 500");
  }
  {
    Call call(caller(""));
    call.answer(200, R"({"name": "broken", "pages": [{"name": "p", "modules": [
        {"type": "no_such_module", "name": "x"}]}]})");
    EXPECT_NE(call.host.last_text().find("Failed the fetched document is not a valid app"),
              std::string::npos)
        << call.host.last_text();
  }
  {
    Call call(caller(""));
    call.answer(200, "not json at all {");
    EXPECT_NE(call.host.last_text().find("Failed"), std::string::npos);
  }
  {
    Call call(caller(""));
    WebResponse late;
    late.outcome = WebResponse::Outcome::kTimeout;
    late.error = "timeout: no answer";
    call.interpreter->on_web_response(std::move(late));
    EXPECT_EQ(call.host.last_text(), "Slow");
    EXPECT_EQ(call.var("sub$.status"), "error");
  }
}

TEST(Subdialog, APrivateValueIsNeverSentByGet) {
  const std::string json = R"({"name": "m", "pages": [{"name": "p", "modules": [
      {"type": "digits", "name": "pin", "prompt": "PIN", "private": true, "max_digits": 4},
      {"type": "subdialog", "name": "sub", "method": "GET", "url": "https://f.example.com/x",
       "variables_in": {"pin": "pin"}, "exits": {"error": "failed"}},
      {"type": "exit", "name": "end"},
      {"type": "prompt", "name": "failed", "text": "Failed {{sub$.error}}"}]}]})";
  Call call(json);
  finish_prompt(*call.interpreter, call.host);
  testing::press(*call.interpreter, "1234#");
  EXPECT_TRUE(call.host.web_requests.empty());
  EXPECT_EQ(call.host.last_text(), "Failed a private value is never sent by GET (use POST)");
  // The audit says so before the app is deployed.
  bool flagged = false;
  for (const auto& f : audit_app(call.app))
    flagged = flagged || (f.sink_module == "sub" && f.kind == "rest_http");
  EXPECT_TRUE(flagged);
}

TEST(SubdialogParse, ChecksItsSettingsAndRefusesGetInASecureApp) {
  auto ok = parse_app(caller(R"("method": "POST", "timeout_ms": 2000,
      "headers": {"X-Flow": "1"},
      "auth": {"type": "oauth2", "token_url": "https://auth.example.com/t", "client_id": "c",
               "client_secret": "env:FLOW_SECRET", "scope": "flows"},)"),
                      "t.json");
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  const auto& s = std::get<SubdialogSettings>(ok->pages[0].modules[0].settings);
  EXPECT_EQ(s.timeout.count(), 2000);
  ASSERT_TRUE(s.oauth2);
  EXPECT_EQ(s.oauth2->client_secret, "env:FLOW_SECRET");
  EXPECT_EQ(s.variables_out, std::vector<std::string>{"answer"});

  auto secure_get = parse_app(caller(R"("method": "GET",)", true), "t.json");
  ASSERT_FALSE(secure_get.ok());
  EXPECT_NE(secure_get.error().message.find("must use POST"), std::string::npos);
  EXPECT_TRUE(parse_app(caller(R"("method": "POST",)", true), "t.json").ok());

  auto literal_secret = parse_app(caller(R"("auth": {"type": "oauth2",
      "token_url": "http://auth.example.com/t", "client_id": "c", "client_secret": "hunter2"},)"),
                                  "t.json");
  ASSERT_FALSE(literal_secret.ok());
  EXPECT_NE(literal_secret.error().message.find("token_url' must start with https"),
            std::string::npos);
  EXPECT_NE(literal_secret.error().message.find("never the secret itself"), std::string::npos);
  EXPECT_EQ(literal_secret.error().message.find("hunter2"), std::string::npos);
  EXPECT_FALSE(parse_app(caller(R"("method": "PUT",)"), "t.json").ok());
}

TEST(Subdialog, ASecureCallerRunsTheFetchedFlowSecure) {
  Call call(caller("", true));
  ASSERT_EQ(call.host.web_requests.size(), 1u);
  EXPECT_TRUE(call.host.web_requests[0].carries_private);
  call.answer(200, kSubFlow);
  finish_prompt(*call.interpreter, call.host);
  // Set Variable is private in a secure app, so what comes back is private too.
  EXPECT_TRUE(call.interpreter->variables().is_private("sub.answer"));
}

}  // namespace
}  // namespace keyline::flow
