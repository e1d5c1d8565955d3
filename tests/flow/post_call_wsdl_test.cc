// The post-call web service's SOAP form with a WSDL URL: read from settings.post_call (a URL is
// no longer refused), then built, once the WSDL is known, from its operation, the session
// facts and the call's variables, with the same privacy rules as any post-call request.
#include <gtest/gtest.h>

#include "flow/app_document.h"
#include "flow/post_call.h"
#include "flow/soap_wsdl.h"

namespace keyline::flow {
namespace {

constexpr std::string_view kWsdl = R"(<?xml version="1.0"?>
<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:crm" targetNamespace="urn:crm">
  <message name="EndedIn"><part name="callId" type="xsd:string"/>
    <part name="note" type="xsd:string"/></message>
  <portType name="Crm"><operation name="CallEnded"><input message="tns:EndedIn"/></operation>
  </portType>
  <binding name="B" type="tns:Crm"><soap:binding style="rpc"/>
    <operation name="CallEnded"><soap:operation soapAction="urn:crm#CallEnded"/>
      <input><soap:body use="encoded" namespace="urn:crm:ops"/></input></operation></binding>
  <service name="S"><port name="P" binding="tns:B">
    <soap:address location="ADDRESS"/></port></service>
</definitions>)";

Wsdl wsdl_at(const std::string& address) {
  std::string text(kWsdl);
  text.replace(text.find("ADDRESS"), 7, address);
  auto parsed = parse_wsdl(text);
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? *parsed : Wsdl{};
}

Result<AppDocument> app_with(std::string_view post_call, bool secure = false) {
  const std::string json = std::string(R"({"name": "t", "settings": {)") +
                           (secure ? R"("secure": true, )" : "") + R"("post_call": )" +
                           std::string(post_call) +
                           R"(},
      "pages": [{"name": "p", "modules": [{"type": "exit", "name": "bye"}]}]})";
  return parse_app(json, "t.json");
}

PostCallFacts facts() {
  PostCallFacts f;
  f.id = "call-77";
  f.exit_reason = "exit_module";
  f.app = "t";
  return f;
}

constexpr std::string_view kPostCall = R"({"type": "soap",
  "wsdl": "https://crm.example.com/ws?wsdl", "operation": "CallEnded",
  "parameters": {"note": "{{note}}", "callId": "{{session.id}}"}})";

TEST(PostCallWsdl, AWsdlUrlIsAcceptedAndNamedForTheWorker) {
  auto app = app_with(kPostCall);
  ASSERT_TRUE(app) << app.error().message;
  ASSERT_TRUE(app->settings.post_call);
  EXPECT_EQ(post_call_wsdl_url(*app->settings.post_call), "https://crm.example.com/ws?wsdl");
  auto rest = app_with(R"({"url": "https://crm.example.com/calls"})");
  ASSERT_TRUE(rest);
  EXPECT_EQ(post_call_wsdl_url(*rest->settings.post_call), "");
}

TEST(PostCallWsdl, TheOperationMakesTheRequestFromFactsAndVariables) {
  auto app = app_with(kPostCall);
  ASSERT_TRUE(app) << app.error().message;
  Variables vars;
  vars.set("note", "paid <in> full");
  auto request = build_post_call_request_from_wsdl(
      *app->settings.post_call, wsdl_at("https://crm.example.com/soap"), facts(), vars, false);
  ASSERT_TRUE(request) << request.error().message;
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "https://crm.example.com/soap");
  EXPECT_NE(request->body.find("<m:CallEnded xmlns:m=\"urn:crm:ops\""), std::string::npos)
      << request->body;
  // Schema order (callId before note), session facts, values escaped, xsi:types.
  EXPECT_NE(request->body.find("<callId xsi:type=\"xsd:string\">call-77</callId>"
                               "<note xsi:type=\"xsd:string\">paid &lt;in&gt; full</note>"),
            std::string::npos)
      << request->body;
  bool keyed = false;
  bool action = false;
  for (const auto& [name, value] : request->headers) {
    keyed |= name == "Idempotency-Key" && value == "call-77";
    action |= name == "SOAPAction" && value == "\"urn:crm#CallEnded\"";
  }
  EXPECT_TRUE(keyed);
  EXPECT_TRUE(action);
}

TEST(PostCallWsdl, PrivateValuesStillTravelOverHttpsOnly) {
  auto app = app_with(R"({"type": "soap", "wsdl": "https://crm.example.com/ws?wsdl",
      "operation": "CallEnded", "parameters": {"callId": "{{session.id}}", "note": "{{pin}}"}})");
  ASSERT_TRUE(app) << app.error().message;
  Variables vars;
  vars.set("pin", "4321", true);
  // The WSDL's address is plain http: a private value must not go there.
  auto refused = build_post_call_request_from_wsdl(
      *app->settings.post_call, wsdl_at("http://crm.example.com/soap"), facts(), vars, false);
  EXPECT_FALSE(refused);
  auto sent = build_post_call_request_from_wsdl(
      *app->settings.post_call, wsdl_at("https://crm.example.com/soap"), facts(), vars, false);
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_TRUE(sent->carries_private);
}

TEST(PostCallWsdl, AWsdlWithoutTheOperationIsAnError) {
  auto app = app_with(R"({"type": "soap", "wsdl": "https://crm.example.com/ws?wsdl",
      "operation": "Missing"})");
  ASSERT_TRUE(app) << app.error().message;
  Variables vars;
  auto request = build_post_call_request_from_wsdl(
      *app->settings.post_call, wsdl_at("https://crm.example.com/soap"), facts(), vars, false);
  ASSERT_FALSE(request);
  EXPECT_NE(request.error().message.find("no SOAP operation 'Missing'"), std::string::npos);
}

}  // namespace
}  // namespace keyline::flow
