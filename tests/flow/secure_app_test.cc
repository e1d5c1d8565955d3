// Secure apps through the real parser, interpreter (scripted host) and audit: the secure
// default, explicit opt-outs, https only, audit acknowledgements, the per-app egress list and
// the variant a secure deployment runs.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/app_egress.h"
#include "flow/interpreter.h"
#include "flow/privacy_audit.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;

// A one-page app with `settings` (JSON object members) and `modules`.
std::string app_json(std::string_view settings, std::string_view modules) {
  return R"({"name": "t", "settings": {)" + std::string(settings) +
         R"(}, "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
}

AppDocument app_with(std::string_view settings, std::string_view modules) {
  auto app = parse_app(app_json(settings, modules), "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

std::string parse_error(std::string_view settings, std::string_view modules) {
  auto app = parse_app(app_json(settings, modules), "t.json");
  return app.ok() ? std::string("(parsed)") : app.error().message;
}

const Module& module(const AppDocument& app, std::string_view name) {
  for (const auto& page : app.pages) {
    for (const auto& m : page.modules) {
      if (m.name == name) return m;
    }
  }
  ADD_FAILURE() << "no module " << name;
  return app.pages.front().modules.front();
}

std::vector<std::string> kinds(const std::vector<AuditFinding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.sink_module + ": " + f.kind);
  return out;
}

constexpr std::string_view kSecure = R"("secure": true)";

constexpr std::string_view kEveryKind = R"j(
    {"type": "prompt", "name": "hello", "text": "Hello."},
    {"type": "digits", "name": "card", "prompt": "Card?", "min_digits": 4, "max_digits": 4},
    {"type": "set_variable", "name": "calc", "rows": [
      {"name": "last", "expression": "substr(card, -2)"}]},
    {"type": "compare_variable", "name": "check", "conditions": [
      {"variable": "last", "operator": "=", "value": "00", "goto": "log"}]},
    {"type": "counter", "name": "tries", "limit": 3},
    {"type": "call_log", "name": "log", "text": "done"},
    {"type": "evaluate_js", "name": "js", "script": "1 + 1"},
    {"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/x"})j";

TEST(SecureApp, ValueModulesArePrivateByDefault) {
  const auto app = app_with(kSecure, kEveryKind);
  EXPECT_TRUE(app.settings.secure);
  for (auto name : {"card", "calc", "log", "js", "pay"})
    EXPECT_TRUE(module(app, name).is_private) << name;
  for (auto name : {"hello", "check", "tries"}) EXPECT_FALSE(module(app, name).is_private) << name;
  for (const auto& m : app.pages[0].modules) EXPECT_FALSE(m.private_opt_out) << m.name;

  const auto plain = app_with("", kEveryKind);
  for (const auto& m : plain.pages[0].modules) EXPECT_FALSE(m.is_private) << m.name;
}

TEST(SecureApp, ExplicitPrivateFalseIsAnOptOut) {
  const auto app = app_with(kSecure, R"(
    {"type": "digits", "name": "ref", "private": false, "prompt": "Ref?"},
    {"type": "prompt", "name": "hello", "private": false, "text": "Hello."},
    {"type": "digits", "name": "pin", "private": true, "prompt": "PIN?"})");
  EXPECT_FALSE(module(app, "ref").is_private);
  EXPECT_TRUE(module(app, "ref").private_opt_out);
  EXPECT_FALSE(module(app, "hello").private_opt_out) << "a prompt has nothing to opt out of";
  EXPECT_TRUE(module(app, "pin").is_private);
  EXPECT_FALSE(module(app, "pin").private_opt_out);
}

TEST(SecureApp, RestMustBeHttpsWithNoOptOut) {
  const std::string http =
      R"({"type": "rest", "name": "pay", "method": "GET", "url": "http://api.example/x"})";
  EXPECT_NE(parse_error(kSecure, http)
                .find("rest module 'pay': a secure app calls web services "
                      "over https:// only"),
            std::string::npos)
      << parse_error(kSecure, http);
  EXPECT_EQ(parse_error("", http), "(parsed)") << "an ordinary app may (the audit reports it)";
  // Not private: still https only, because the app is secure.
  const std::string opted_out =
      R"({"type": "rest", "name": "pay", "private": false, "method": "GET",
          "url": "http://api.example/x"})";
  EXPECT_NE(parse_error(kSecure, opted_out), "(parsed)");
}

TEST(SecureApp, InterpreterMasksEntriesAndKeepsRequestsPrivate) {
  const auto app = app_with(kSecure, R"(
    {"type": "digits", "name": "card", "prompt": "Card?", "min_digits": 4, "max_digits": 4},
    {"type": "set_variable", "name": "calc", "rows": [
      {"name": "greeting", "expression": "'hello'"}]},
    {"type": "call_log", "name": "log", "text": "greeting {{greeting}}"},
    {"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example/x"})");
  FakeFlowHost host;
  Interpreter call(app, host, {});
  call.start();
  testing::finish_prompt(call, host);
  testing::press(call, "4242");
  ASSERT_EQ(host.web_requests.size(), 1u);
  EXPECT_TRUE(host.web_requests[0].carries_private) << "a secure app's request is never logged";
  EXPECT_TRUE(call.variables().is_private("card"));
  EXPECT_TRUE(call.variables().is_private("greeting")) << "Set Variable results are private";
  EXPECT_EQ(call.variables().get("card").value_or(""), "4242") << "the call can still use it";
  ASSERT_EQ(call.log_lines().size(), 1u);
  EXPECT_EQ(call.log_lines()[0], "[private]");
  ASSERT_FALSE(call.visits().empty());
  EXPECT_EQ(call.visits()[0].result, "success:[private]");
  WebResponse r;
  r.status = 200;
  r.body = R"({"token": "t0k"})";
  call.on_web_response(std::move(r));
  EXPECT_TRUE(call.variables().is_private("pay.data.token"));
}

TEST(SecureApp, OptedOutInputIsLoggedAndAuditedAsAnError) {
  const auto app = app_with(kSecure, R"(
    {"type": "digits", "name": "ref", "private": false, "prompt": "Ref?", "max_digits": 3})");
  FakeFlowHost host;
  Interpreter call(app, host, {});
  call.start();
  testing::finish_prompt(call, host);
  testing::press(call, "123#");
  ASSERT_FALSE(call.visits().empty());
  EXPECT_EQ(call.visits()[0].result, "success:123");

  const auto findings = audit_app(app);
  ASSERT_EQ(kinds(findings), (std::vector<std::string>{"ref: not_private"}));
  EXPECT_EQ(findings[0].severity, AuditSeverity::kError);
  EXPECT_TRUE(audit_blocks(findings));
  EXPECT_NE(format_finding("t.json", findings[0]).find("[ref: not_private]"), std::string::npos);
}

TEST(SecureApp, PlaceholderUrlIsCheckedWhenTheCallRuns) {
  const auto app = app_with(kSecure, R"(
    {"type": "set_variable", "name": "where", "private": false,
     "rows": [{"name": "endpoint", "expression": "'http://api.example/x'"}]},
    {"type": "rest", "name": "pay", "private": false, "method": "GET", "url": "{{endpoint}}",
     "exits": {"error": "sorry"}},
    {"type": "exit", "name": "done"},
    {"type": "prompt", "name": "sorry", "text": "{{pay$.error}}"})");
  FakeFlowHost host;
  Interpreter call(app, host, {});
  call.start();
  // Opted out of private, so only the secure app's own rule can refuse it.
  EXPECT_TRUE(host.web_requests.empty()) << "nothing may be sent over http";
  ASSERT_FALSE(host.plays.empty());
  EXPECT_EQ(host.last_text(), "a secure app calls web services over https:// only");
}

TEST(SecureApp, AcknowledgedErrorsNoLongerBlock) {
  const std::string modules = R"(
    {"type": "digits", "name": "ref", "private": false, "prompt": "Ref?"})";
  const auto ack =
      app_with(std::string(kSecure) + R"(, "audit_acknowledged": ["ref: not_private"])", modules);
  const auto findings = audit_app(ack);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_TRUE(findings[0].acknowledged);
  EXPECT_FALSE(audit_blocks(findings));
  EXPECT_NE(format_finding("t.json", findings[0]).find(": error (acknowledged): "),
            std::string::npos);
}

TEST(SecureApp, UnusedAcknowledgementIsReported) {
  const auto app = app_with(std::string(kSecure) + R"(, "audit_acknowledged": ["ref: call_log"])",
                            R"({"type": "digits", "name": "ref", "prompt": "Ref?"})");
  const auto findings = audit_app(app);
  ASSERT_EQ(kinds(findings), (std::vector<std::string>{"ref: acknowledgement"}));
  EXPECT_EQ(findings[0].severity, AuditSeverity::kWarning);
  EXPECT_FALSE(audit_blocks(findings));
}

TEST(SecureApp, BadAcknowledgementsAreParseErrors) {
  const std::string modules = R"({"type": "digits", "name": "ref", "prompt": "Ref?"})";
  EXPECT_NE(
      parse_error(R"("audit_acknowledged": ["ref"])", modules).find("must be \"module: kind\""),
      std::string::npos);
  EXPECT_NE(parse_error(R"("audit_acknowledged": ["ref: leak"])", modules)
                .find("unknown finding kind 'leak'"),
            std::string::npos);
  EXPECT_NE(parse_error(R"("audit_acknowledged": ["nobody: call_log"])", modules)
                .find("names 'nobody', which is not a module"),
            std::string::npos);
}

TEST(SecureApp, SecureDeploymentOverridesOptOuts) {
  const auto app = app_with("", R"(
    {"type": "digits", "name": "ref", "private": false, "prompt": "Ref?", "max_digits": 3},
    {"type": "call_log", "name": "log", "text": "ref {{ref}}"},
    {"type": "prompt", "name": "bye", "text": "Bye."})");
  const AppDocument deployed = as_secure_deployment(app);
  EXPECT_TRUE(deployed.settings.secure);
  EXPECT_TRUE(module(deployed, "ref").is_private);
  EXPECT_TRUE(module(deployed, "log").is_private);
  EXPECT_FALSE(module(deployed, "bye").is_private);
  EXPECT_FALSE(module(app, "ref").is_private) << "the original is untouched";

  FakeFlowHost host;
  Interpreter call(deployed, host, {});
  call.start();
  testing::finish_prompt(call, host);
  testing::press(call, "123#");
  ASSERT_FALSE(call.visits().empty());
  EXPECT_EQ(call.visits()[0].result, "success:[private]");
  ASSERT_EQ(call.log_lines().size(), 1u);
  EXPECT_EQ(call.log_lines()[0], "[private]");
}

}  // namespace
}  // namespace keyline::flow
