// XML answers (REST return_type "xml") and the SOAP module, through the real parser,
// interpreter and pugixml adapter.
#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"
#include "flow/soap_module.h"
#include "flow/xml_value.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;

std::string json_of(std::string_view xml) {
  auto v = parse_xml_value(xml, false);
  return v ? v->to_json() : "error: " + v.error().message;
}

TEST(XmlValue, ElementsAttributesRepeatsAndText) {
  EXPECT_EQ(json_of(R"(<?xml version="1.0"?>
    <o:order xmlns:o="urn:x" id="7"><item>a</item><item>b</item><total cur="USD">12.50</total>
      <note/><mixed>hi<b>x</b></mixed></o:order>)"),
            R"({"order":{"@id":"7","item":["a","b"],"total":{"@cur":"USD","#text":"12.50"},)"
            R"("note":"","mixed":{"b":"x","#text":"hi"}}})");
  EXPECT_EQ(json_of("<a>&lt;&amp;&#65;</a>"), R"({"a":"<&A"})");
  EXPECT_EQ(json_of("<a><![CDATA[<raw>]]></a>"), R"({"a":"<raw>"})");
}

TEST(XmlValue, MalformedDoctypeAndDepthAreErrorsNotThrows) {
  EXPECT_FALSE(parse_xml_value("<a><b></a>", false).ok());
  EXPECT_FALSE(parse_xml_value("", false).ok());
  EXPECT_FALSE(parse_xml_value("not xml at all", false).ok());
  auto doctype =
      parse_xml_value(R"(<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>)", false);
  ASSERT_FALSE(doctype.ok());
  EXPECT_NE(doctype.error().message.find("DOCTYPE"), std::string::npos);
  std::string deep;
  for (int i = 0; i < kMaxXmlDepth + 5; ++i) deep += "<a>";
  for (int i = 0; i < kMaxXmlDepth + 5; ++i) deep += "</a>";
  auto too_deep = parse_xml_value(deep, false);
  ASSERT_FALSE(too_deep.ok());
  EXPECT_NE(too_deep.error().message.find("deeper"), std::string::npos);
  std::string ok_depth;
  for (int i = 0; i < kMaxXmlDepth - 1; ++i) ok_depth += "<a>";
  for (int i = 0; i < kMaxXmlDepth - 1; ++i) ok_depth += "</a>";
  EXPECT_TRUE(parse_xml_value(ok_depth, false).ok());
}

TEST(XmlValue, PrivateTaintReachesEveryValue) {
  auto v = parse_xml_value("<a><b>1</b></a>", true);
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->member("a").member("b").is_private());
}

std::string app_json(std::string_view modules, std::string_view settings = "{}") {
  return R"({"name": "t", "settings": )" + std::string(settings) +
         R"(, "variables": {"sku": "A<&>\"'1"}, "pages": [{"name": "p", "modules": [)" +
         std::string(modules) + R"(, {"type": "prompt", "name": "after", "text": "after"}]},
    {"name": "failed", "modules": [{"type": "prompt", "name": "sorry", "text": "failed"}]}]})";
}

struct Call {
  explicit Call(std::string_view modules) {
    auto parsed = parse_app(app_json(modules), "t.json");
    EXPECT_TRUE(parsed.ok()) << parsed.error().message;
    if (parsed.ok()) app = std::move(parsed).value();
    interpreter = std::make_unique<Interpreter>(app, host, Variables{});
    interpreter->start();
  }
  void respond(int status, std::string body) {
    WebResponse r;
    r.status = status;
    r.body = std::move(body);
    interpreter->on_web_response(std::move(r));
  }
  std::optional<Value> lookup(std::string_view name) {
    return interpreter->variables().lookup(name);
  }
  std::string text(std::string_view name) {
    auto v = lookup(name);
    return v ? v->to_text() : "(unset)";
  }
  AppDocument app;
  FakeFlowHost host;
  std::unique_ptr<Interpreter> interpreter;
};

TEST(RestXml, TheAnswerIsMappedIntoData) {
  Call call(R"({"type": "rest", "name": "r", "method": "GET", "url": "https://x.example/o",
     "return_type": "xml", "exits": {"error": {"page": "failed"}}})");
  ASSERT_EQ(call.host.web_requests.size(), 1u);
  call.respond(200, "<order><status>paid</status><line>1</line><line>2</line></order>");
  EXPECT_EQ(call.host.last_text(), "after");
  EXPECT_EQ(call.text("r.data.order.status"), "paid");
  EXPECT_EQ(call.text("r.data.order.line.1"), "2");
}

TEST(RestXml, MalformedXmlTakesTheErrorExit) {
  Call call(R"({"type": "rest", "name": "r", "method": "GET", "url": "https://x.example/o",
     "return_type": "xml", "exits": {"error": {"page": "failed"}}})");
  call.respond(200, "<order><status>paid</order>");
  EXPECT_EQ(call.host.last_text(), "failed");
  EXPECT_NE(call.text("r$.error").find("not valid XML"), std::string::npos);
}

constexpr std::string_view kSoap = R"({"type": "soap", "name": "price",
  "url": "https://soap.example/svc", "soap_action": "urn:GetPrice",
  "envelope": "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><GetPrice><Sku>{{sku}}</Sku></GetPrice></soap:Body></soap:Envelope>",
  "exits": {"error": {"page": "failed"}}})";

TEST(SoapModule, TheEnvelopeIsFilledXmlEscapedWithSoap11Headers) {
  Call call(kSoap);
  ASSERT_EQ(call.host.web_requests.size(), 1u);
  const WebRequest& r = call.host.web_requests[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://soap.example/svc");
  EXPECT_NE(r.body.find("<Sku>A&lt;&amp;&gt;&quot;&apos;1</Sku>"), std::string::npos) << r.body;
  bool action = false;
  bool type = false;
  for (const auto& [n, v] : r.headers) {
    action = action || (n == "SOAPAction" && v == "\"urn:GetPrice\"");
    type = type || (n == "Content-Type" && v.rfind("text/xml", 0) == 0);
  }
  EXPECT_TRUE(action);
  EXPECT_TRUE(type);
}

TEST(SoapModule, TheBodyIsMappedIntoData) {
  Call call(kSoap);
  call.respond(200, R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
    <s:Header/><s:Body><m:GetPriceResponse xmlns:m="urn:x"><Price>9.99</Price>
    </m:GetPriceResponse></s:Body></s:Envelope>)");
  EXPECT_EQ(call.host.last_text(), "after");
  EXPECT_EQ(call.text("price.data.GetPriceResponse.Price"), "9.99");
  EXPECT_EQ(call.text("price$.status"), "200");
}

TEST(SoapModule, AFaultTakesTheErrorExitWithTheFault) {
  Call call(kSoap);
  call.respond(500, R"(<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
    <soap:Body><soap:Fault><faultcode>soap:Client</faultcode>
    <faultstring>Unknown SKU</faultstring><detail><code>42</code></detail></soap:Fault>
    </soap:Body></soap:Envelope>)");
  EXPECT_EQ(call.host.last_text(), "failed");
  EXPECT_EQ(call.text("price$.fault.string"), "Unknown SKU");
  EXPECT_EQ(call.text("price$.fault.code"), "soap:Client");
  EXPECT_EQ(call.text("price$.fault.detail.code"), "42");
  EXPECT_NE(call.text("price$.error").find("Unknown SKU"), std::string::npos);
}

TEST(SoapModule, ASoap12FaultIsReadToo) {
  auto reply =
      parse_soap_reply(R"(<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope">
    <env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value></env:Code>
    <env:Reason><env:Text xml:lang="en">Down</env:Text></env:Reason></env:Fault></env:Body>
    </env:Envelope>)",
                       false);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  EXPECT_TRUE(reply->is_fault);
  EXPECT_EQ(reply->fault_code, "env:Receiver");
  EXPECT_EQ(reply->fault_string, "Down");
}

TEST(SoapModule, MalformedOrNonEnvelopeAnswersTakeTheErrorExit) {
  Call call(kSoap);
  call.respond(200, "<html><body>gateway error</body></html>");
  EXPECT_EQ(call.host.last_text(), "failed");
  EXPECT_NE(call.text("price$.error").find("not a SOAP envelope"), std::string::npos);
  Call again(kSoap);
  again.respond(200, "<s:Envelope><s:Body>");
  EXPECT_EQ(again.host.last_text(), "failed");
}

TEST(SoapModule, Soap12UsesTheActionParameter) {
  std::string m(kSoap);
  m.insert(m.find("\"exits\""), R"("version": "1.2", )");
  Call call(m);
  ASSERT_EQ(call.host.web_requests.size(), 1u);
  bool found = false;
  for (const auto& [n, v] : call.host.web_requests[0].headers) {
    if (n == "Content-Type")
      found = v == "application/soap+xml; charset=utf-8; action=\"urn:GetPrice\"";
  }
  EXPECT_TRUE(found);
}

TEST(SoapModule, TheLoaderChecksTheEnvelope) {
  auto bad = parse_app(app_json(R"({"type": "soap", "name": "s", "url": "https://x.example",
      "envelope": "<Envelope><Body></Envelope>"})"),
                       "t.json");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("not well-formed XML"), std::string::npos);
  auto not_soap = parse_app(app_json(R"({"type": "soap", "name": "s", "url": "https://x.example",
      "envelope": "<a>{{sku}}</a>"})"),
                            "t.json");
  ASSERT_FALSE(not_soap.ok());
  EXPECT_NE(not_soap.error().message.find("SOAP Envelope"), std::string::npos);
  auto plain = parse_app(app_json(R"({"type": "soap", "name": "s", "url": "http://x.example",
      "envelope": "<Envelope/>"})",
                                  R"({"secure": true})"),
                         "t.json");
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("https:// only"), std::string::npos);
}

TEST(SoapModule, EscapingHelper) {
  EXPECT_EQ(xml_escape("a<b>&\"'"), "a&lt;b&gt;&amp;&quot;&apos;");
}

}  // namespace
}  // namespace keyline::flow
