#include "flow/privacy_audit.h"

#include <gtest/gtest.h>

namespace keyline::flow {
namespace {

AppDocument app_with(std::string_view modules) {
  const std::string json =
      R"({"name": "t", "pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}]}";
  auto app = parse_app(json, "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

std::vector<std::string> lines(const AppDocument& app) {
  std::vector<std::string> out;
  for (const auto& f : audit_app(app)) out.push_back(format_finding("t.json", f));
  return out;
}

constexpr std::string_view kPin =
    R"({"type": "digits", "name": "pin", "private": true, "prompt": "PIN?"},)";

TEST(PrivacyAudit, NoPrivateValueNoFindings) {
  auto app = app_with(R"(
    {"type": "digits", "name": "acct", "prompt": "Account?"},
    {"type": "prompt", "name": "say", "text": "You said {{acct}}."},
    {"type": "call_log", "name": "log", "text": "acct {{acct}}"})");
  EXPECT_TRUE(audit_app(app).empty());
}

TEST(PrivacyAudit, PrivateValueNeverUsedNoFindings) {
  auto app = app_with(std::string(kPin) + R"(
    {"type": "call_log", "name": "log", "text": "entered {{pin$.length}} digits"})");
  EXPECT_TRUE(audit_app(app).empty()) << "shadow facts are not private";
}

TEST(PrivacyAudit, PromptIsWarning) {
  auto app = app_with(std::string(kPin) + R"(
    {"type": "prompt", "name": "say", "text": "Your PIN is {{pin|digits}}."})");
  const auto f = audit_app(app);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, AuditSeverity::kWarning);
  EXPECT_EQ(f[0].pos.line, 2);
  EXPECT_EQ(f[0].sink_module, "say");
  EXPECT_EQ(f[0].chain, (std::vector<std::string>{"pin", "say"}));
}

TEST(PrivacyAudit, CallLogIsErrorWithLineAndColumn) {
  auto app = app_with(std::string(kPin) + R"(
    {"type": "call_log", "name": "log", "text": "pin {{pin}}"})");
  EXPECT_EQ(lines(app),
            (std::vector<std::string>{
                "t.json:2:5: error: private value 'pin' (from module 'pin') is written to the "
                "call log by 'log' (it would read [private]; log a non-sensitive fact or mark "
                "the module private) (path: pin -> log) [log: call_log]"}));
}

TEST(PrivacyAudit, PrivateCallLogIsFine) {
  auto app = app_with(std::string(kPin) + R"(
    {"type": "call_log", "name": "log", "private": true, "text": "pin {{pin}}"})");
  EXPECT_TRUE(audit_app(app).empty());
}

TEST(PrivacyAudit, TaintFollowsSetVariableChainIntoCallLog) {
  auto app = app_with(std::string(kPin) + R"j(
    {"type": "set_variable", "name": "derive", "rows": [
      {"name": "tail", "expression": "substr(pin, -2)"},
      {"name": "hint", "expression": "'ends ' + tail"},
      {"name": "fixed", "expression": "'x'"}]},
    {"type": "call_log", "name": "log", "text": "{{hint}} {{fixed}}"})j");
  const auto f = audit_app(app);
  ASSERT_EQ(f.size(), 3u);
  EXPECT_EQ(f[0].severity, AuditSeverity::kWarning);  // tail = substr(pin)
  EXPECT_EQ(f[0].variable, "pin");
  EXPECT_EQ(f[1].variable, "tail");  // hint = ... + tail
  EXPECT_EQ(f[1].pos.line, 4);
  EXPECT_EQ(f[2].severity, AuditSeverity::kError);
  EXPECT_EQ(f[2].variable, "hint");
  EXPECT_EQ(f[2].chain, (std::vector<std::string>{"pin", "derive", "log"}));
}

TEST(PrivacyAudit, PrivateSetVariableTaintsEvenConstants) {
  auto app = app_with(R"(
    {"type": "set_variable", "name": "secret", "private": true, "rows": [
      {"name": "code", "expression": "'42'"}]},
    {"type": "prompt", "name": "say", "text": "{{code}}"})");
  const auto f = audit_app(app);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].chain, (std::vector<std::string>{"secret", "say"}));
}

TEST(PrivacyAudit, CompareIsInfo) {
  auto app = app_with(std::string(kPin) + R"(
    {"type": "compare_variable", "name": "check", "conditions": [
      {"variable": "pin", "operator": "=", "value": "1234", "goto": "ok"}]},
    {"type": "exit", "name": "ok"})");
  const auto f = audit_app(app);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, AuditSeverity::kInfo);
  EXPECT_EQ(audit_severity_name(f[0].severity), "info");
}

TEST(PrivacyAudit, InputPromptsOfLaterModulesAreChecked) {
  auto app = app_with(std::string(kPin) + R"(
    {"type": "yes_no", "name": "sure", "prompt": "Is {{pin}} right?"})");
  const auto f = audit_app(app);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].sink_module, "sure");
}

TEST(PrivacyAudit, PaymentExampleHasTheLastFourError) {
  auto app = load_app(KEYLINE_SOURCE_DIR "/examples/apps/payment.json");
  ASSERT_TRUE(app.ok());
  bool error = false;
  for (const auto& f : audit_app(*app)) {
    if (f.severity == AuditSeverity::kError) {
      error = true;
      EXPECT_EQ(f.sink_module, "charge");
      EXPECT_EQ(f.variable, "last4");
    }
  }
  EXPECT_TRUE(error);
}

}  // namespace
}  // namespace keyline::flow
