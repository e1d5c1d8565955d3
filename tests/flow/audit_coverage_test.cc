// The privacy audit over Evaluate JS, REST results and shadow variables, with a leaky and a
// clean variant of each app, so every test can fail both ways.
#include <gtest/gtest.h>

#include "flow/privacy_audit.h"

namespace keyline::flow {
namespace {

AppDocument app_with(std::string_view modules, std::string_view settings = "") {
  const std::string json = R"({"name": "t", "settings": {)" + std::string(settings) +
                           R"(}, "pages": [{"name": "p", "modules": [)" + std::string(modules) +
                           "]}]}";
  auto app = parse_app(json, "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

// "module: kind severity" for each finding.
std::vector<std::string> summary(const AppDocument& app) {
  std::vector<std::string> out;
  for (const auto& f : audit_app(app))
    out.push_back(f.sink_module + ": " + f.kind + " " +
                  std::string(audit_severity_name(f.severity)));
  return out;
}

const AuditFinding* find(const std::vector<AuditFinding>& findings, std::string_view kind) {
  for (const auto& f : findings) {
    if (f.kind == kind) return &f;
  }
  return nullptr;
}

constexpr std::string_view kCard =
    R"({"type": "digits", "name": "card", "private": true, "prompt": "Card?"},)";
constexpr std::string_view kRef = R"({"type": "digits", "name": "ref", "prompt": "Ref?"},)";

TEST(AuditCoverage, PrivateJsInputTaintsOutputsAndResult) {
  const std::string js = R"(
    {"type": "evaluate_js", "name": "mask", "inputs": ["card"],
     "script": "var tail = card.slice(-4); 'x' + tail", "outputs": ["tail"]},
    {"type": "call_log", "name": "log", "text": "{{tail}} {{mask}}"})";
  const auto leaky = app_with(std::string(kCard) + js);
  const auto findings = audit_app(leaky);
  EXPECT_EQ(summary(leaky), (std::vector<std::string>{"mask: js warning", "log: call_log error",
                                                      "log: call_log error"}));
  ASSERT_GE(findings.size(), 2u);
  EXPECT_EQ(findings[1].variable, "tail");
  EXPECT_EQ(findings[1].chain, (std::vector<std::string>{"card", "mask", "log"}));

  // The same script over a value nobody marked private: nothing to report.
  std::string clean_js = js;
  clean_js.replace(clean_js.find("[\"card\"]"), 8, "[\"ref\"]");
  clean_js.replace(clean_js.find("card.slice"), 4, "ref");
  const auto clean = app_with(std::string(kRef) + clean_js);
  EXPECT_TRUE(audit_app(clean).empty()) << summary(clean).front();
}

TEST(AuditCoverage, JsFunctionArgumentsTaintTheResult) {
  const std::string settings =
      R"("js_libraries": [{"name": "lib", "script": "function last4(s) { return s.slice(-4); }"}])";
  const auto leaky = app_with(std::string(kCard) + R"(
    {"type": "evaluate_js", "name": "l4", "function": "last4", "arguments": ["card"]},
    {"type": "call_log", "name": "log", "text": "ends {{l4}}"})",
                              settings);
  EXPECT_EQ(summary(leaky), (std::vector<std::string>{"l4: js warning", "log: call_log error"}));
  const auto clean = app_with(std::string(kRef) + R"(
    {"type": "evaluate_js", "name": "l4", "function": "last4", "arguments": ["ref"]},
    {"type": "call_log", "name": "log", "text": "ends {{l4}}"})",
                              settings);
  EXPECT_TRUE(audit_app(clean).empty());
}

TEST(AuditCoverage, PrivateJsModuleIsASourceAndNotASink) {
  const auto app = app_with(std::string(kCard) + R"(
    {"type": "evaluate_js", "name": "token", "private": true, "inputs": ["card"],
     "script": "card.length"},
    {"type": "prompt", "name": "say", "text": "token {{token}}"})");
  EXPECT_EQ(summary(app), (std::vector<std::string>{"say: spoken warning"}));
}

TEST(AuditCoverage, PrivateRestResultAndHeadersAreSources) {
  const std::string rest = R"(
    {"type": "rest", "name": "pay", "private": true, "method": "GET", "url": "https://api.example/x"},)";
  const auto leaky = app_with(std::string(rest) + R"(
    {"type": "call_log", "name": "log", "text": "{{pay.data.token}} {{pay$.headers.etag}} {{pay$.status}}"})");
  const auto findings = audit_app(leaky);
  EXPECT_EQ(summary(leaky),
            (std::vector<std::string>{"log: call_log error", "log: call_log error"}));
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].variable, "pay.data.token");
  EXPECT_EQ(findings[1].variable, "pay$.headers.etag");
  // A non-private REST module's answer is not private, nor is any module's status.
  std::string open_rest = rest;
  open_rest.replace(open_rest.find(R"("private": true, )"), 17, "");
  const auto clean = app_with(open_rest + R"(
    {"type": "call_log", "name": "log", "text": "{{pay.data.token}} {{pay$.headers.etag}} {{pay$.status}}"})");
  EXPECT_TRUE(audit_app(clean).empty());
}

TEST(AuditCoverage, ShadowFactsOfPrivateInputsAreNotPrivate) {
  const auto app = app_with(std::string(kCard) + R"(
    {"type": "call_log", "name": "log", "text": "{{card$.length}} digits by {{card$.inputmode}}"})");
  EXPECT_TRUE(audit_app(app).empty());
  const auto leaky = app_with(std::string(kCard) + R"(
    {"type": "call_log", "name": "log", "text": "{{card$.length}} digits: {{card}}"})");
  EXPECT_EQ(summary(leaky), (std::vector<std::string>{"log: call_log error"}));
}

TEST(AuditCoverage, EgressListFindsHostsItLeavesOut) {
  const std::string modules = R"(
    {"type": "rest", "name": "pay", "method": "GET", "url": "https://api.example.com/pay"},
    {"type": "rest", "name": "geo", "method": "GET", "url": "https://maps.other.net/x"},
    {"type": "rest", "name": "dyn", "method": "GET", "url": "https://{{host}}/x"})";
  const auto app = app_with(modules, R"("egress": ["*.example.com"])");
  const auto findings = audit_app(app);
  EXPECT_EQ(summary(app), (std::vector<std::string>{"geo: egress error"}));
  ASSERT_NE(find(findings, "egress"), nullptr);
  EXPECT_NE(find(findings, "egress")->message.find("'maps.other.net'"), std::string::npos);
  EXPECT_TRUE(audit_blocks(findings));
  // Without an app list the server's list alone decides: nothing to say here.
  EXPECT_TRUE(audit_app(app_with(modules)).empty());
}

TEST(AuditCoverage, SecurePaymentAppIsCleanWhereThePlainOneLeaks) {
  const std::string modules = R"j(
    {"type": "digits", "name": "card", "prompt": "Card?", "min_digits": 16, "max_digits": 16},
    {"type": "set_variable", "name": "summary", "rows": [
      {"name": "last4", "expression": "substr(card, -4)"}]},
    {"type": "rest", "name": "charge", "method": "POST", "url": "https://pay.example/charge",
     "form": {"card": "{{card}}"}},
    {"type": "call_log", "name": "log", "text": "card ending {{last4}}"})j";
  // Plain app, card marked private by hand: the copy and the call log leak.
  std::string plain = modules;
  plain.replace(plain.find(R"("name": "card",)"), 15, R"("name": "card", "private": true,)");
  EXPECT_EQ(summary(app_with(plain)),
            (std::vector<std::string>{"summary: copy warning", "charge: rest_https info",
                                      "log: call_log error"}));
  // The secure app: every value module private, so the copy and the log line are private by
  // declaration; only the (intended) HTTPS request remains, as info.
  EXPECT_EQ(summary(app_with(modules, R"("secure": true)")),
            (std::vector<std::string>{"charge: rest_https info"}));
}

}  // namespace
}  // namespace keyline::flow
