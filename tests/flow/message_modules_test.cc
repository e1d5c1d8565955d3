// The Email and SMS modules through the real parser and interpreter, with the scripted host
// playing the SMTP relay and the SMS provider.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"
#include "flow/message_module.h"
#include "flow/privacy_audit.h"
#include "flow/scenario.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;

std::string app_json(std::string_view modules, std::string_view settings = "{}") {
  return R"({"name": "t", "settings": )" + std::string(settings) +
         R"(, "variables": {"who": "ana@example.com", "order": "A-17",
    "num": "+1 (415) 555-2671", "bad": "x\r\nBcc: evil@example.com"},
    "pages": [{"name": "p", "modules": [)" +
         std::string(modules) + R"(, {"type": "prompt", "name": "after", "text": "after"}]},
    {"name": "failed", "modules": [{"type": "prompt", "name": "sorry", "text": "failed"}]}]})";
}

AppDocument app_with(std::string_view modules) {
  auto app = parse_app(app_json(modules), "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

struct Call {
  explicit Call(std::string_view modules) : app(app_with(modules)), interpreter(app, host, {}) {
    interpreter.start();
  }
  std::string text(std::string_view name) {
    return interpreter.variables().get(name).value_or("(unset)");
  }
  AppDocument app;
  FakeFlowHost host;
  Interpreter interpreter;
};

constexpr std::string_view kEmail = R"({"type": "email", "name": "mail", "to": "{{who}}",
  "cc": ["ops@example.com"], "subject": "Order {{order}}", "body": "Your order {{order}} is in.",
  "exits": {"error": {"page": "failed"}}})";

TEST(EmailModule, SendsTheFilledMessageAndTakesDone) {
  Call call(kEmail);
  ASSERT_EQ(call.host.messages.size(), 1u);
  const MessageRequest& m = call.host.messages[0];
  EXPECT_EQ(m.channel, MessageRequest::Channel::kEmail);
  EXPECT_EQ(m.to, std::vector<std::string>{"ana@example.com"});
  EXPECT_EQ(m.cc, std::vector<std::string>{"ops@example.com"});
  EXPECT_EQ(m.subject, "Order A-17");
  EXPECT_EQ(m.body, "Your order A-17 is in.");
  EXPECT_EQ(m.module, "mail");
  EXPECT_TRUE(call.host.plays.empty());  // waits for the host
  MessageResult sent;
  sent.sent = true;
  call.interpreter.on_message_done(sent);
  ASSERT_FALSE(call.host.plays.empty());
  EXPECT_EQ(call.host.last_text(), "after");
  EXPECT_EQ(call.text("mail"), "sent");
  EXPECT_EQ(call.interpreter.visits().front().result, "done");
}

TEST(EmailModule, AFailedSendTakesTheErrorExit) {
  Call call(kEmail);
  MessageResult failed;
  failed.error = "smtp: connection refused";
  call.interpreter.on_message_done(failed);
  EXPECT_EQ(call.host.last_text(), "failed");
  EXPECT_EQ(call.text("mail"), "failed");
  EXPECT_EQ(call.text("mail$.error"), "smtp: connection refused");
}

TEST(EmailModule, AHostThatCannotSendTakesTheErrorExit) {
  auto app = app_with(kEmail);
  FakeFlowHost host;
  host.can_send = false;
  Interpreter interpreter(app, host, {});
  interpreter.start();
  EXPECT_EQ(host.last_text(), "failed");
  EXPECT_NE(interpreter.variables().get("mail$.error")->find("no email"), std::string::npos);
}

TEST(EmailModule, APrivateValueIsNeverSent) {
  // A Set Variable marked private makes "secret" private; the body uses it.
  auto app = app_with(R"({"type": "set_variable", "name": "s", "private": true,
      "rows": [{"name": "secret", "expression": "'4111111111111111'"}]},
    {"type": "email", "name": "mail", "to": "a@example.com", "subject": "x",
     "body": "card {{secret}}", "exits": {"error": {"page": "failed"}}})");
  FakeFlowHost host;
  Interpreter interpreter(app, host, {});
  interpreter.start();
  EXPECT_TRUE(host.messages.empty());
  EXPECT_EQ(host.last_text(), "failed");
  EXPECT_NE(interpreter.variables().get("mail$.error")->find("not a secure channel"),
            std::string::npos);
}

TEST(EmailModule, UnmarkedSensitiveTextIsRedactedAndHeadersStayOneLine) {
  Call call(R"({"type": "email", "name": "mail", "to": "a@example.com",
     "subject": "{{bad}}", "body": "card 4111111111111111 on file"})");
  ASSERT_EQ(call.host.messages.size(), 1u);
  const MessageRequest& m = call.host.messages[0];
  EXPECT_EQ(m.body.find("4111111111111111"), std::string::npos) << m.body;
  EXPECT_EQ(m.subject.find('\n'), std::string::npos);
  EXPECT_EQ(m.subject.find('\r'), std::string::npos);
}

TEST(EmailModule, ARecipientThatIsNotAnAddressAfterSubstitutionIsRefused) {
  Call call(R"({"type": "email", "name": "mail", "to": "{{bad}}", "subject": "s", "body": "b",
     "exits": {"error": {"page": "failed"}}})");
  EXPECT_TRUE(call.host.messages.empty());
  EXPECT_EQ(call.host.last_text(), "failed");
}

TEST(EmailModule, TheLoaderChecksLiteralAddressesAndRequiredKeys) {
  auto bad = parse_app(app_json(R"({"type": "email", "name": "m", "to": "not-an-address",
      "subject": "s", "body": "b"})"),
                       "t.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("is not an email address"), std::string::npos);
  auto missing =
      parse_app(app_json(R"({"type": "email", "name": "m", "to": "a@example.com"})"), "t.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("'subject'"), std::string::npos);
}

TEST(EmailModule, ASecureAppOrAPrivateModuleCannotSendEmail) {
  auto secure =
      parse_app(app_json(R"({"type": "email", "name": "m", "to": "a@example.com", "subject": "s",
                   "body": "b"})",
                         R"({"secure": true})"),
                "t.json");
  ASSERT_FALSE(secure.ok());
  EXPECT_NE(secure.error().message.find("a secure app cannot send email"), std::string::npos);
  auto priv = parse_app(app_json(R"({"type": "sms", "name": "m", "private": true,
      "to": "+14155552671", "text": "hi"})"),
                        "t.json");
  ASSERT_FALSE(priv.ok());
  EXPECT_NE(priv.error().message.find("cannot be private"), std::string::npos);
}

TEST(EmailModule, TheAuditRefusesAPrivateValueInAMessage) {
  auto app = app_with(R"({"type": "digits", "name": "pin", "private": true, "prompt": "pin"},
    {"type": "sms", "name": "text", "to": "+14155552671", "text": "your pin is {{pin}}"})");
  const auto findings = audit_app(app);
  bool found = false;
  for (const auto& f : findings) {
    if (f.kind != "message") continue;
    found = true;
    EXPECT_EQ(f.severity, AuditSeverity::kError);
    EXPECT_EQ(f.sink_module, "text");
  }
  EXPECT_TRUE(found);
  EXPECT_TRUE(audit_blocks(findings));
  EXPECT_FALSE(is_audit_finding_kind("message"));  // cannot be acknowledged
}

TEST(SmsModule, SendsACompactedE164NumberAndTheText) {
  Call call(R"({"type": "sms", "name": "text", "to": "{{num}}", "text": "Order {{order}} shipped",
     "exits": {"error": {"page": "failed"}}})");
  ASSERT_EQ(call.host.messages.size(), 1u);
  const MessageRequest& m = call.host.messages[0];
  EXPECT_EQ(m.channel, MessageRequest::Channel::kSms);
  EXPECT_EQ(m.to, std::vector<std::string>{"+14155552671"});
  EXPECT_EQ(m.body, "Order A-17 shipped");
  MessageResult sent;
  sent.sent = true;
  sent.id = "SM123";
  call.interpreter.on_message_done(sent);
  EXPECT_EQ(call.text("text$.id"), "SM123");
  EXPECT_EQ(call.host.last_text(), "after");
}

TEST(SmsModule, ANumberThatIsNotE164IsRefusedWithoutSending) {
  Call call(R"({"type": "sms", "name": "text", "to": "{{order}}", "text": "hi",
     "exits": {"error": {"page": "failed"}}})");
  EXPECT_TRUE(call.host.messages.empty());
  EXPECT_NE(call.text("text$.error").find("E.164"), std::string::npos);
  auto bad = parse_app(app_json(R"({"type": "sms", "name": "m", "to": "4155552671",
      "text": "hi"})"),
                       "t.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("E.164"), std::string::npos);
}

TEST(SmsModule, HangingUpWhileSendingCancelsAndIgnoresTheResult) {
  Call call(R"({"type": "sms", "name": "text", "to": "+14155552671", "text": "hi"})");
  call.interpreter.on_hangup();
  EXPECT_EQ(call.host.message_cancels, 1);
  MessageResult sent;
  sent.sent = true;
  call.interpreter.on_message_done(sent);  // stale: nothing happens
  EXPECT_EQ(call.interpreter.exit_reason(), "caller_hangup");
  EXPECT_TRUE(call.host.plays.empty());
}

TEST(MessageChecks, AddressesAndNumbers) {
  EXPECT_TRUE(is_email_address("a.b+c@mail.example.com"));
  EXPECT_FALSE(is_email_address("a@b"));
  EXPECT_FALSE(is_email_address("a b@example.com"));
  EXPECT_FALSE(is_email_address("<a@example.com>"));
  EXPECT_FALSE(is_email_address("a@example.com\r\nRCPT TO:<b@example.com>"));
  EXPECT_TRUE(is_e164_number("+442071838750"));
  EXPECT_FALSE(is_e164_number("+0442071838750"));
  EXPECT_FALSE(is_e164_number("+1234567"));
  EXPECT_FALSE(is_e164_number("+1234567890123456"));
  EXPECT_EQ(compact_phone_number("+1 (415) 555-2671"), "+14155552671");
}

TEST(MessageScenario, ScenariosStubTheOutcomeAndCheckTheMessage) {
  auto app = app_with(kEmail);
  auto scenarios = parse_scenarios(R"(
- name: sent
  steps:
    - expect_message: "Order A-17"
    - message: sent
    - expect_prompt: after
  expect:
    variables: {mail: sent}
- name: relay down
  steps:
    - message: {error: "smtp: connection refused"}
    - expect_prompt: failed
  expect:
    variables: {"mail$.error": "smtp: connection refused"}
- name: wrong text
  steps:
    - expect_message: "Order B-99"
)",
                                   "s.yaml");
  ASSERT_TRUE(scenarios.ok()) << scenarios.error().message;
  ASSERT_EQ(scenarios->size(), 3u);
  EXPECT_TRUE(run_scenario(app, (*scenarios)[0]).passed);
  EXPECT_TRUE(run_scenario(app, (*scenarios)[1]).passed);
  const auto wrong = run_scenario(app, (*scenarios)[2]);
  EXPECT_FALSE(wrong.passed);
  EXPECT_NE(wrong.failures.front().find("does not contain"), std::string::npos);
}

}  // namespace
}  // namespace keyline::flow
