// The post-call web service's request: read from settings.post_call, built from the session
// facts and the app's params, with an idempotency key, and refused where privacy says so.
#include <gtest/gtest.h>

#include <map>

#include "flow/app_document.h"
#include "flow/json_value.h"
#include "flow/post_call.h"
#include "flow/privacy_audit.h"

namespace keyline::flow {
namespace {

Result<AppDocument> app_with(std::string_view post_call, bool secure = false) {
  const std::string json = std::string(R"({"name": "t", "settings": {)") +
                           (secure ? R"("secure": true, )" : "") + R"("post_call": )" +
                           std::string(post_call) +
                           R"(}, "pages": [{"name": "p", "modules": [
      {"type": "exit", "name": "bye"}]}]})";
  return parse_app(json, "t.json");
}

PostCallFacts facts() {
  PostCallFacts f;
  f.id = "call-42";
  f.ani = "sip:+15551230000@example.com";
  f.dnis = "sip:100@keyline";
  f.start_unix_ms = 1700000000000;
  f.end_unix_ms = 1700000065000;
  f.exit_reason = "exit_module";
  f.app = "t";
  f.revision = 7;
  return f;
}

TEST(PostCall, RestSendsTheFactsAndParamsAsJsonWithAnIdempotencyKey) {
  auto app = app_with(R"({"url": "https://crm.example.com/calls/{{session.id}}",
      "headers": {"X-Source": "keyline {{session.exit_reason}}"},
      "params": {"customer": "{{customer}}", "quote": "say \"hi\""}})");
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_TRUE(app->settings.post_call);
  Variables vars;
  vars.set("customer", "C-9");
  auto request = build_post_call_request(*app->settings.post_call, facts(), vars, false);
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "https://crm.example.com/calls/call-42");
  EXPECT_FALSE(request->carries_private);
  auto header = [&](std::string_view name) -> std::string {
    for (const auto& [n, v] : request->headers)
      if (n == name) return v;
    return "(none)";
  };
  EXPECT_EQ(header("Idempotency-Key"), "call-42");
  EXPECT_EQ(header("Content-Type"), "application/json");
  EXPECT_EQ(header("X-Source"), "keyline exit_module");
  auto body = parse_json_value(request->body);
  ASSERT_TRUE(body) << request->body;
  Variables parsed;
  parsed.set_value("b", std::move(*body));
  auto field = [&](std::string_view path) {
    return parsed.get("b." + std::string(path)).value_or("(none)");
  };
  EXPECT_EQ(field("id"), "call-42");
  EXPECT_EQ(field("ani"), "sip:+15551230000@example.com");
  EXPECT_EQ(field("dnis"), "sip:100@keyline");
  EXPECT_NE(request->body.find(R"("start_unix_ms":1700000000000)"), std::string::npos)
      << request->body;
  EXPECT_NE(request->body.find(R"("end_unix_ms":1700000065000)"), std::string::npos)
      << request->body;
  EXPECT_EQ(field("exit_reason"), "exit_module");
  EXPECT_EQ(field("app"), "t");
  EXPECT_NE(request->body.find(R"("revision":7)"), std::string::npos) << request->body;
  EXPECT_EQ(field("params.customer"), "C-9");
  EXPECT_EQ(field("params.quote"), "say \"hi\"");
}

TEST(PostCall, PutIsAllowedAndOtherMethodsAreNot) {
  auto put = app_with(R"({"method": "PUT", "url": "https://crm.example.com/c"})");
  ASSERT_TRUE(put) << put.error().message;
  Variables vars;
  auto request = build_post_call_request(*put->settings.post_call, facts(), vars, false);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->method, "PUT");
  auto get = app_with(R"({"method": "GET", "url": "https://crm.example.com/c"})");
  ASSERT_FALSE(get);
  EXPECT_NE(get.error().message.find("POST or PUT"), std::string::npos);
  auto unknown = app_with(R"({"url": "https://crm.example.com/c", "retries": 3})");
  ASSERT_FALSE(unknown);
}

TEST(PostCall, APrivateParamMarksTheRequestAndNeedsHttps) {
  auto app = app_with(R"({"url": "https://crm.example.com/c", "params": {"card": "{{card}}"}})");
  ASSERT_TRUE(app) << app.error().message;
  Variables vars;
  vars.set("card", "4111111111111111", true);
  auto request = build_post_call_request(*app->settings.post_call, facts(), vars, false);
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_TRUE(request->carries_private);  // the host keeps it out of the durable queue

  auto plain = app_with(R"({"url": "http://crm.example.com/c", "params": {"card": "{{card}}"}})");
  ASSERT_TRUE(plain) << plain.error().message;
  auto refused = build_post_call_request(*plain->settings.post_call, facts(), vars, false);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message.find("4111"), std::string::npos);
  vars.set("card", "none", false);
  EXPECT_TRUE(build_post_call_request(*plain->settings.post_call, facts(), vars, false));
}

TEST(PostCall, TheAuditFlagsAPrivateParamSentOverHttp) {
  const std::string json = R"({"name": "t", "settings": {"post_call": {
      "url": "http://crm.example.com/c", "params": {"pin": "{{pin}}"}}},
    "pages": [{"name": "p", "modules": [
      {"type": "digits", "name": "pin", "prompt": "PIN", "private": true},
      {"type": "exit", "name": "bye"}]}]})";
  auto app = parse_app(json, "t.json");
  ASSERT_TRUE(app) << app.error().message;
  bool flagged = false;
  for (const auto& f : audit_app(*app))
    flagged = flagged || (f.sink_module == "post_call" && f.kind == "rest_http" &&
                          f.severity == AuditSeverity::kError);
  EXPECT_TRUE(flagged);
}

TEST(PostCall, TheRecordingUploadIsAPutOverHttpsWithItsOwnKey) {
  auto app = app_with(R"({"recording": {"url": "https://rec.example.com/{{session.id}}.wav",
                                        "headers": {"X-App": "{{session.app}}"}}})");
  ASSERT_TRUE(app) << app.error().message;
  const PostCallSettings& s = *app->settings.post_call;
  EXPECT_FALSE(s.has_request);  // only the upload: no post-call document
  ASSERT_TRUE(s.recording);
  Variables vars;
  auto upload = build_recording_upload(s, facts(), vars);
  ASSERT_TRUE(upload) << upload.error().message;
  EXPECT_EQ(upload->method, "PUT");
  EXPECT_EQ(upload->url, "https://rec.example.com/call-42.wav");
  EXPECT_TRUE(upload->body.empty());  // the host sends the file
  std::map<std::string, std::string> headers(upload->headers.begin(), upload->headers.end());
  EXPECT_EQ(headers["Content-Type"], "audio/wav");
  EXPECT_EQ(headers["Idempotency-Key"], "call-42-recording");
  EXPECT_EQ(headers["X-App"], "t");

  auto plain = app_with(R"({"url": "https://crm.example.com/c",
                            "recording": {"url": "http://rec.example.com/x", "method": "POST"}})");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_TRUE(plain->settings.post_call->has_request);
  EXPECT_FALSE(build_recording_upload(*plain->settings.post_call, facts(), vars));
  EXPECT_FALSE(app_with(R"({"params": {"a": "b"}})"));  // neither a url nor a recording
}

TEST(PostCall, ASecureAppPostsOverHttpsOnly) {
  auto app = app_with(R"({"url": "http://crm.example.com/c"})", true);
  ASSERT_TRUE(app) << app.error().message;
  Variables vars;
  EXPECT_FALSE(build_post_call_request(*app->settings.post_call, facts(), vars, true));
}

TEST(PostCall, SoapFillsTheEnvelopeFromTheSessionFacts) {
  auto app = app_with(R"({"type": "soap", "url": "https://crm.example.com/soap",
      "soap_action": "urn:CallEnded",
      "envelope": "<Envelope><Body><CallEnded><Id>{{session.id}}</Id><Why>{{session.exit_reason}}</Why><Rev>{{session.revision}}</Rev></CallEnded></Body></Envelope>"})");
  ASSERT_TRUE(app) << app.error().message;
  Variables vars;
  PostCallFacts f = facts();
  f.exit_reason = "error:<x>";
  auto request = build_post_call_request(*app->settings.post_call, f, vars, false);
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->method, "POST");
  EXPECT_NE(request->body.find("<Id>call-42</Id><Why>error:&lt;x&gt;</Why><Rev>7</Rev>"),
            std::string::npos)
      << request->body;
  bool key = false;
  for (const auto& [n, v] : request->headers)
    key = key || (n == "Idempotency-Key" && v == "call-42");
  EXPECT_TRUE(key);
}

}  // namespace
}  // namespace keyline::flow
