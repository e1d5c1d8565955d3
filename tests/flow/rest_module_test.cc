// The REST module through the real parser and interpreter, with the scripted host playing the
// web service.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"
#include "flow/privacy_audit.h"
#include "flow/rest_module.h"
#include "flow/scenario.h"
#include "flow/simulator.h"

#include <sstream>

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;

Result<AppDocument> parse_modules(std::string_view modules) {
  const std::string json = R"({"name": "t", "variables": {"q": "a b&c/d", "user": "shop",
    "pass": "s3cret", "tok": "abc.def", "host": "api.example:8443"}, "pages": [{"name": "p", "modules": [)" +
                           std::string(modules) + R"(]}, {"name": "failed", "modules": [
    {"type": "prompt", "name": "sorry", "text": "failed {{pay$.error}}"}]}]})";
  return parse_app(json, "t.json");
}

AppDocument app_with(std::string_view modules) {
  auto app = parse_modules(modules);
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

struct Call {
  explicit Call(std::string_view modules) : app(app_with(modules)), interpreter(app, host, {}) {
    interpreter.start();
  }
  const WebRequest& request() {
    EXPECT_FALSE(host.web_requests.empty()) << "no web request";
    return host.web_requests.back();
  }
  void respond(int status, std::string body,
               std::vector<std::pair<std::string, std::string>> headers = {}) {
    WebResponse r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    interpreter.on_web_response(std::move(r));
  }
  void fail(WebResponse::Outcome outcome, std::string error) {
    WebResponse r;
    r.outcome = outcome;
    r.error = std::move(error);
    interpreter.on_web_response(std::move(r));
  }
  std::string text(std::string_view name) {
    return interpreter.variables().get(name).value_or("(unset)");
  }
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

std::string header(const WebRequest& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "(none)";
}

constexpr std::string_view kAfter = R"(,
    {"type": "prompt", "name": "ok", "text": "result {{pay.data.result}} status {{pay.status}}"})";

TEST(RestModule, GetUrlEncodesInsertedValues) {
  Call call(std::string(R"({"type": "rest", "name": "pay", "method": "GET",
     "url": "https://api.example/find?q={{q}}&n=1", "headers": {"X-Shop": "{{user}}"}})") +
            std::string(kAfter));
  const WebRequest& r = call.request();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.url, "https://api.example/find?q=a%20b%26c%2Fd&n=1");
  EXPECT_EQ(header(r, "X-Shop"), "shop");  // headers are not URL-encoded
  EXPECT_EQ(header(r, "Accept"), "application/json");
  EXPECT_TRUE(r.body.empty());
  EXPECT_FALSE(r.carries_private);
}

TEST(RestModule, HostPlaceholdersAreInsertedAsTheyAre) {
  Call call(R"({"type": "rest", "name": "pay", "method": "GET",
     "url": "https://{{host}}/find/{{q}}"}, {"type": "exit", "name": "x"})");
  EXPECT_EQ(call.request().url, "https://api.example:8443/find/a%20b%26c%2Fd");
}

TEST(RestModule, LineBreaksCannotStartAHeader) {
  Call call(R"({"type": "set_variable", "name": "s", "rows": [
      {"name": "evil", "expression": "'x\nX-Injected: 1'"}]},
    {"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/",
     "headers": {"X-Shop": "{{evil}}"}})");
  EXPECT_EQ(header(call.request(), "X-Shop"), "x X-Injected: 1");
}

TEST(RestModule, PostSendsFormRows) {
  Call call(R"({"type": "rest", "name": "pay", "method": "POST", "url": "https://api.example/pay",
     "form": {"query": "{{q}}", "fixed": "x y"}})");
  const WebRequest& r = call.request();
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.body, "query=a%20b%26c%2Fd&fixed=x%20y");
  EXPECT_EQ(header(r, "Content-Type"), "application/x-www-form-urlencoded");
}

TEST(RestModule, RawBodiesPutPatchDelete) {
  for (const char* method : {"POST_RAW", "PUT", "PATCH", "DELETE"}) {
    Call call(std::string(R"({"type": "rest", "name": "pay", "method": ")") + method +
              R"(", "url": "https://api.example/x", "body": "{\"q\": \"{{q}}\"}"})");
    const WebRequest& r = call.request();
    EXPECT_EQ(r.method, std::string(method) == "POST_RAW" ? "POST" : method);
    EXPECT_EQ(r.body, R"({"q": "a b&c/d"})");  // a raw body is sent as written
    EXPECT_EQ(header(r, "Content-Type"), "application/json");
  }
}

TEST(RestModule, BasicAndBearerAuth) {
  Call basic(R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/",
     "auth": {"type": "basic", "user": "{{user}}", "password": "{{pass}}"}})");
  EXPECT_EQ(header(basic.request(), "Authorization"), "Basic c2hvcDpzM2NyZXQ=");  // shop:s3cret
  Call bearer(R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/",
     "auth": {"type": "bearer", "token": "{{tok}}"}})");
  EXPECT_EQ(header(bearer.request(), "Authorization"), "Bearer abc.def");
}

TEST(RestModule, JsonResponseFillsTheVariableAndTakesSuccess) {
  Call call(std::string(R"({"type": "rest", "name": "pay", "method": "GET",
     "url": "https://api.example/x"})") +
            std::string(kAfter));
  EXPECT_TRUE(call.host.plays.empty()) << "nothing plays while the request is out";
  call.respond(200, R"({"result": "approved", "items": [{"id": 7}], "n": 2.5})",
               {{"Content-Type", "application/json"}, {"X-Trace", "t1"}});
  EXPECT_EQ(call.host.last_text(), "result approved status 200");
  EXPECT_EQ(call.text("pay.data.items.0.id"), "7");
  EXPECT_EQ(call.text("pay.data.n"), "2.5");
  EXPECT_EQ(call.text("pay$.status"), "200");
  EXPECT_EQ(call.text("pay$.headers.x-trace"), "t1");
  EXPECT_FALSE(call.interpreter.variables().is_private("pay"));
  EXPECT_EQ(call.interpreter.visits().front().result, "success:200");
}

TEST(RestModule, ServerErrorTakesTheErrorExitWithTheBody) {
  Call call(std::string(R"({"type": "rest", "name": "pay", "method": "GET",
     "url": "https://api.example/x", "exits": {"error": {"page": "failed"}}})") +
            std::string(kAfter));
  call.respond(503, R"({"result": "busy"})");
  EXPECT_EQ(call.host.last_text(), "failed HTTP status 503");
  EXPECT_EQ(call.text("pay.data.result"), "busy");
  EXPECT_EQ(call.text("pay.status"), "503");
  EXPECT_EQ(call.interpreter.visits().front().result, "error:503");
}

TEST(RestModule, MalformedJsonIsAnError) {
  Call call(R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/x",
     "exits": {"error": {"page": "failed"}}})");
  call.respond(200, R"({"result": "approved",)");
  EXPECT_NE(call.host.last_text().find("not valid JSON"), std::string::npos)
      << call.host.last_text();
}

TEST(RestModule, TimeoutExitThenErrorExitThenEndOfCall) {
  Call timed(R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/x",
     "exits": {"timeout": {"page": "failed"}, "error": "pay"}})");
  timed.fail(WebResponse::Outcome::kTimeout, "timeout");
  EXPECT_EQ(timed.host.last_text(), "failed timeout");
  EXPECT_EQ(timed.text("pay.status"), "0");

  Call to_error(R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/x",
     "exits": {"error": {"page": "failed"}}})");
  to_error.fail(WebResponse::Outcome::kTimeout, "timeout");
  EXPECT_EQ(to_error.host.last_text(), "failed timeout");

  Call unwired(
      R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/x"})");
  unwired.fail(WebResponse::Outcome::kError, "tls: certificate problem");
  EXPECT_TRUE(unwired.interpreter.finished());
  EXPECT_EQ(unwired.interpreter.exit_reason(), "error:rest pay: tls: certificate problem");
  EXPECT_TRUE(unwired.host.hung_up);
}

TEST(RestModule, PrivateValueNeverGoesOverPlainHttp) {
  const std::string card = R"({"type": "digits", "name": "card", "private": true,
     "prompt": "Card?", "min_digits": 4, "max_digits": 4},)";
  Call http(card + R"({"type": "rest", "name": "pay", "method": "POST",
     "url": "http://api.example/pay", "form": {"card": "{{card}}"},
     "exits": {"error": {"page": "failed"}}})");
  testing::finish_prompt(http.interpreter, http.host);
  testing::press(http.interpreter, "4242");
  EXPECT_TRUE(http.host.web_requests.empty()) << "nothing may be sent";
  EXPECT_EQ(http.host.last_text(), "failed a private value may only be sent over https");

  Call https(card + R"({"type": "rest", "name": "pay", "method": "POST",
     "url": "https://api.example/pay", "form": {"card": "{{card}}"}})");
  testing::finish_prompt(https.interpreter, https.host);
  testing::press(https.interpreter, "4242");
  ASSERT_EQ(https.host.web_requests.size(), 1u);
  EXPECT_TRUE(https.request().carries_private);
  EXPECT_EQ(https.request().body, "card=4242");
}

TEST(RestModule, PrivateModuleMakesItsResultPrivate) {
  Call call(R"({"type": "rest", "name": "pay", "private": true, "method": "GET",
     "url": "https://api.example/x"},
    {"type": "call_log", "name": "log", "text": "got {{pay.data.token}} status {{pay$.status}}"})");
  EXPECT_TRUE(call.request().carries_private);
  call.respond(200, R"({"token": "9999"})");
  EXPECT_TRUE(call.interpreter.variables().is_private("pay"));
  EXPECT_TRUE(call.interpreter.variables().is_private("pay.data.token"));
  EXPECT_EQ(call.text("pay.data.token"), "9999");
  ASSERT_EQ(call.interpreter.log_lines().size(), 1u);
  EXPECT_EQ(call.interpreter.log_lines()[0], "got [private] status 200");
}

TEST(RestModule, HangupWhileWaitingCancelsAndDropsALateAnswer) {
  Call call(std::string(R"({"type": "rest", "name": "pay", "method": "GET",
     "url": "https://api.example/x"})") +
            std::string(kAfter));
  call.interpreter.on_hangup();
  EXPECT_EQ(call.host.web_cancels, 1);
  EXPECT_EQ(call.interpreter.exit_reason(), "caller_hangup");
  call.respond(200, R"({"result": "late"})");
  EXPECT_TRUE(call.host.plays.empty());
  EXPECT_FALSE(call.interpreter.variables().contains("pay"));
}

TEST(RestModule, TextCsvAndEmptyReturnTypes) {
  Call text(R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://a.example/",
     "return_type": "text"})");
  text.respond(200, "plain words");
  EXPECT_EQ(text.text("pay.data"), "plain words");
  Call csv(R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://a.example/",
     "return_type": "csv"})");
  csv.respond(200, "name,price\r\n\"Widget, large\",12\r\nNut,\"0.5\"\r\n");
  EXPECT_EQ(csv.text("pay.data.0.name"), "Widget, large");
  EXPECT_EQ(csv.text("pay.data.1.price"), "0.5");
  Call empty(R"({"type": "rest", "name": "pay", "method": "DELETE", "url": "https://a.example/",
     "return_type": "empty"})");
  empty.respond(204, "ignored");
  EXPECT_EQ(empty.text("pay.data"), "");
  EXPECT_EQ(empty.text("pay.status"), "204");
}

TEST(RestModule, ParserReportsBadSettings) {
  auto app = parse_modules(R"({"type": "rest", "name": "pay", "method": "FETCH",
     "url": "ftp://x", "form": {"a": "b"}, "return_type": "yaml", "timeout_ms": 5,
     "auth": {"type": "digest"}, "exits": {"nomatch": "pay"}})");
  ASSERT_FALSE(app);
  const std::string& m = app.error().message;
  for (const char* expected :
       {"'method' must be GET", "'url' must start with https://", "'return_type' must be",
        "'timeout_ms' must be", "type must be \"basic\", \"bearer\" or \"oauth2\"", "unknown key 'nomatch'"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << expected << "\n" << m;
  }
  auto form_on_get = parse_modules(
      R"({"type": "rest", "name": "pay", "method": "GET", "url": "https://x/", "form": {"a": "b"}})");
  ASSERT_FALSE(form_on_get);
  EXPECT_NE(form_on_get.error().message.find("'form' rows are sent by method POST only"),
            std::string::npos);
}

TEST(RestModule, AuditFlagsPrivateValuesSentOverPlainHttp) {
  const std::string card = R"({"type": "digits", "name": "card", "private": true,
     "prompt": "Card?"},)";
  auto leaky = app_with(card + R"({"type": "rest", "name": "pay", "method": "GET",
     "url": "http://api.example/pay?c={{card}}"})");
  auto findings = audit_app(leaky);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, AuditSeverity::kError);
  EXPECT_NE(findings[0].message.find("not https://"), std::string::npos);
  auto fine = app_with(card + R"({"type": "rest", "name": "pay", "method": "POST",
     "url": "https://api.example/pay", "form": {"c": "{{card}}"}})");
  findings = audit_app(fine);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].severity, AuditSeverity::kInfo);
}

TEST(RestModule, SimulatorReadsTheAnswerFromTheBuilder) {
  auto app = app_with(std::string(R"({"type": "rest", "name": "pay", "method": "GET",
     "url": "https://api.example/find?q={{q}}", "exits": {"timeout": {"page": "failed"}}})") +
                      std::string(kAfter));
  std::istringstream in("200 {\"result\": \"approved\"}\n");
  std::ostringstream out;
  EXPECT_EQ(run_simulation(app, in, out), 0);
  EXPECT_NE(out.str().find("[web] GET https://api.example/find?q=a%20b%26c%2Fd"), std::string::npos)
      << out.str();
  EXPECT_NE(out.str().find("[prompt] result approved status 200"), std::string::npos) << out.str();
  std::istringstream slow("timeout\n");
  std::ostringstream out2;
  run_simulation(app, slow, out2);
  EXPECT_NE(out2.str().find("[prompt] failed timeout"), std::string::npos) << out2.str();
}

TEST(RestModule, ScenarioScriptsTheWebService) {
  auto app = app_with(std::string(R"({"type": "rest", "name": "pay", "method": "POST",
     "url": "https://api.example/pay", "form": {"q": "{{q}}"},
     "exits": {"timeout": {"page": "failed"}}})") +
                      std::string(kAfter));
  auto scenarios = parse_scenarios(R"(
- name: approved
  steps:
    - expect_request: "POST https://api.example/pay\nq=a%20b%26c%2Fd"
    - web_response: {status: 200, body: '{"result": "approved"}'}
    - expect_prompt: result approved status 200
  expect: {end: end_of_flow}
- name: slow
  steps:
    - web_response: timeout
    - expect_prompt: failed timeout
)",
                                   "s.yaml");
  ASSERT_TRUE(scenarios) << scenarios.error().message;
  for (const auto& s : *scenarios) {
    const auto r = run_scenario(app, s);
    EXPECT_TRUE(r.passed) << s.name << ": " << (r.failures.empty() ? "" : r.failures[0]);
  }
  auto bad = parse_scenarios("steps:\n  - web_response: {status: 900}\n", "s.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("s.yaml:2:"), std::string::npos);
}

}  // namespace
}  // namespace keyline::flow
