// WSDL 1.1 for the SOAP module: the parser (document/literal and rpc, SOAP 1.1 and 1.2
// bindings), the envelope it makes, a local WSDL file read when the app loads, and a WSDL URL
// fetched by the call through the host and cached by URL with a TTL.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "fake_flow_host.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"
#include "flow/soap_module.h"
#include "flow/soap_wsdl.h"
#include "flow/xml_value.h"

namespace keyline::flow {
namespace {

using testing::FakeFlowHost;

// A bank's balance service: one portType, a SOAP 1.1 and a SOAP 1.2 binding, a qualified
// document/literal schema, and an rpc operation on the 1.1 binding.
constexpr std::string_view kWsdl = R"(<?xml version="1.0" encoding="UTF-8"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
    xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:bank:v1"
    xmlns:b="urn:bank:types" targetNamespace="urn:bank:v1">
  <wsdl:types>
    <xs:schema targetNamespace="urn:bank:types" elementFormDefault="qualified">
      <xs:element name="GetBalance">
        <xs:complexType><xs:sequence>
          <xs:element name="Account" type="xs:string"/>
          <xs:element name="Currency" type="xs:string" minOccurs="0"/>
        </xs:sequence></xs:complexType>
      </xs:element>
    </xs:schema>
  </wsdl:types>
  <wsdl:message name="GetBalanceIn"><wsdl:part name="p" element="b:GetBalance"/></wsdl:message>
  <wsdl:message name="PingIn"><wsdl:part name="who" type="xs:string"/></wsdl:message>
  <wsdl:portType name="BankPort">
    <wsdl:operation name="GetBalance"><wsdl:input message="tns:GetBalanceIn"/></wsdl:operation>
    <wsdl:operation name="Ping"><wsdl:input message="tns:PingIn"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="Bank11" type="tns:BankPort">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetBalance">
      <soap:operation soapAction="urn:bank:GetBalance"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
    </wsdl:operation>
    <wsdl:operation name="Ping">
      <soap:operation soapAction="urn:bank:Ping" style="rpc"/>
      <wsdl:input><soap:body use="literal" namespace="urn:bank:rpc"/></wsdl:input>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:binding name="Bank12" type="tns:BankPort">
    <soap12:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    <wsdl:operation name="GetBalance">
      <soap12:operation soapAction="urn:bank:GetBalance12"/>
      <wsdl:input><soap12:body use="literal"/></wsdl:input>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="Bank">
    <wsdl:port name="P11" binding="tns:Bank11"><soap:address location="https://bank.example/soap11"/></wsdl:port>
    <wsdl:port name="P12" binding="tns:Bank12"><soap12:address location="https://bank.example/soap12"/></wsdl:port>
  </wsdl:service>
</wsdl:definitions>)";

TEST(Wsdl, DocumentLiteralOperationsOfBothVersions) {
  auto wsdl = parse_wsdl(kWsdl);
  ASSERT_TRUE(wsdl.ok()) << wsdl.error().message;
  const WsdlOperation* v11 = wsdl->find("GetBalance", std::nullopt);
  ASSERT_NE(v11, nullptr);
  EXPECT_EQ(v11->version, SoapSettings::Version::k11);
  EXPECT_EQ(v11->address, "https://bank.example/soap11");
  EXPECT_EQ(v11->soap_action, "urn:bank:GetBalance");
  EXPECT_FALSE(v11->rpc);
  EXPECT_EQ(v11->element, "GetBalance");
  EXPECT_EQ(v11->element_namespace, "urn:bank:types");  // the schema's, not the WSDL's
  EXPECT_TRUE(v11->qualified_parameters);
  EXPECT_EQ(v11->parameters, (std::vector<std::string>{"Account", "Currency"}));
  const WsdlOperation* v12 = wsdl->find("GetBalance", SoapSettings::Version::k12);
  ASSERT_NE(v12, nullptr);
  EXPECT_EQ(v12->version, SoapSettings::Version::k12);
  EXPECT_EQ(v12->address, "https://bank.example/soap12");
  EXPECT_EQ(v12->soap_action, "urn:bank:GetBalance12");
  EXPECT_EQ(wsdl->find("Ping", SoapSettings::Version::k12), nullptr);
  EXPECT_EQ(wsdl->find("Transfer", std::nullopt), nullptr);
}

TEST(Wsdl, TheEnvelopeFollowsTheSchemaOrderAndNamespace) {
  auto wsdl = parse_wsdl(kWsdl);
  ASSERT_TRUE(wsdl.ok());
  // Given out of order, sent in the schema's order; literal text escaped, placeholders kept.
  auto envelope = wsdl_envelope(*wsdl->find("GetBalance", std::nullopt),
                                {{"Currency", "EUR & co"}, {"Account", "{{account}}"}});
  ASSERT_TRUE(envelope.ok()) << envelope.error().message;
  EXPECT_NE(envelope->find("xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\""),
            std::string::npos);
  EXPECT_NE(envelope->find("<m:GetBalance xmlns:m=\"urn:bank:types\"><m:Account>{{account}}"
                           "</m:Account><m:Currency>EUR &amp; co</m:Currency></m:GetBalance>"),
            std::string::npos)
      << *envelope;
  EXPECT_FALSE(check_envelope_template(*envelope).has_value());
  auto v12 = wsdl_envelope(*wsdl->find("GetBalance", SoapSettings::Version::k12), {});
  ASSERT_TRUE(v12.ok());
  EXPECT_NE(v12->find("http://www.w3.org/2003/05/soap-envelope"), std::string::npos);
  auto unknown = wsdl_envelope(*wsdl->find("GetBalance", std::nullopt), {{"Pin", "1"}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no parameter 'Pin'"), std::string::npos);
}

TEST(Wsdl, RpcPartsAreUnqualifiedChildrenOfTheOperation) {
  auto wsdl = parse_wsdl(kWsdl);
  ASSERT_TRUE(wsdl.ok());
  const WsdlOperation* ping = wsdl->find("Ping", std::nullopt);
  ASSERT_NE(ping, nullptr);
  EXPECT_TRUE(ping->rpc);
  auto envelope = wsdl_envelope(*ping, {{"who", "me"}});
  ASSERT_TRUE(envelope.ok());
  EXPECT_NE(envelope->find("<m:Ping xmlns:m=\"urn:bank:rpc\"><who>me</who></m:Ping>"),
            std::string::npos)
      << *envelope;
}

TEST(Wsdl, BadDocumentsAreErrorsNotThrows) {
  for (std::string_view bad :
       {std::string_view("<wsdl:definitions"), std::string_view("<notwsdl/>"),
        std::string_view("<!DOCTYPE x [<!ENTITY a \"b\">]><x/>"),
        std::string_view(R"(<definitions xmlns="http://schemas.xmlsoap.org/wsdl/"/>)"),
        std::string_view("")}) {
    auto parsed = parse_wsdl(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().kind, "wsdl");
    }
  }
}

TEST(Wsdl, TheCacheKeepsAWsdlForItsTtl) {
  WsdlCache cache(std::chrono::seconds(60), 2);
  const auto t0 = WsdlCache::Clock::time_point{} + std::chrono::hours(1);
  auto wsdl = std::make_shared<const Wsdl>(*parse_wsdl(kWsdl));
  cache.store("https://a.example/w", wsdl, t0);
  EXPECT_EQ(cache.find("https://a.example/w", t0 + std::chrono::seconds(59)), wsdl);
  EXPECT_EQ(cache.find("https://b.example/w", t0), nullptr);
  EXPECT_EQ(cache.find("https://a.example/w", t0 + std::chrono::seconds(60)), nullptr);
  EXPECT_EQ(cache.size(), 0u);  // the stale entry went
  cache.store("https://1.example/w", wsdl, t0);
  cache.store("https://2.example/w", wsdl, t0 + std::chrono::seconds(1));
  cache.store("https://3.example/w", wsdl, t0 + std::chrono::seconds(2));
  EXPECT_EQ(cache.size(), 2u);  // bounded: the oldest went
  EXPECT_EQ(cache.find("https://1.example/w", t0 + std::chrono::seconds(3)), nullptr);
}

// ---- in an app ----

std::string app_json(std::string_view module) {
  return R"({"name": "t", "variables": {"account": "A<1>"}, "pages": [{"name": "p", "modules": [)" +
         std::string(module) + R"(, {"type": "prompt", "name": "after", "text": "after"}]},
    {"name": "failed", "modules": [{"type": "prompt", "name": "sorry", "text": "failed"}]}]})";
}

struct TempDir {
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("keyline-wsdl-" + std::to_string(::getpid()) + "-" + std::to_string(++counter));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string write(const std::string& name, std::string_view text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
  std::filesystem::path path;
  static inline int counter = 0;
};

TEST(SoapWsdl, ALocalWsdlFillsTheModuleWhenTheAppLoads) {
  TempDir dir;
  dir.write("bank.wsdl", kWsdl);
  const auto app_file = dir.write("t.json", app_json(R"({"type": "soap", "name": "bal",
      "wsdl": "bank.wsdl", "operation": "GetBalance", "version": "1.2",
      "parameters": {"Account": "{{account}}"}})"));
  auto app = load_app(app_file);
  ASSERT_TRUE(app.ok()) << app.error().message;
  FakeFlowHost host;
  Interpreter interpreter(*app, host, Variables{});
  interpreter.start();
  ASSERT_EQ(host.web_requests.size(), 1u);
  const WebRequest& r = host.web_requests[0];
  EXPECT_EQ(r.url, "https://bank.example/soap12");
  EXPECT_NE(r.body.find("<m:Account>A&lt;1&gt;</m:Account>"), std::string::npos) << r.body;
  bool type = false;
  for (const auto& [n, v] : r.headers)
    type = type || (n == "Content-Type" && v.find("application/soap+xml") == 0 &&
                    v.find("action=\"urn:bank:GetBalance12\"") != std::string::npos);
  EXPECT_TRUE(type);
}

TEST(SoapWsdl, ABadLocalWsdlIsAValidateTimeError) {
  TempDir dir;
  dir.write("broken.wsdl", "<wsdl:definitions");
  dir.write("bank.wsdl", kWsdl);
  auto problem = [&](std::string_view module) {
    auto app = load_app(dir.write("t.json", app_json(module)));
    EXPECT_FALSE(app.ok()) << module;
    return app.ok() ? std::string() : app.error().message;
  };
  EXPECT_NE(problem(R"({"type": "soap", "name": "b", "wsdl": "broken.wsdl", "operation": "X"})")
                .find("malformed XML"),
            std::string::npos);
  EXPECT_NE(problem(R"({"type": "soap", "name": "b", "wsdl": "absent.wsdl", "operation": "X"})")
                .find("cannot read"),
            std::string::npos);
  EXPECT_NE(problem(R"({"type": "soap", "name": "b", "wsdl": "../bank.wsdl", "operation": "X"})")
                .find("file name in the app's folder"),
            std::string::npos);
  EXPECT_NE(problem(R"({"type": "soap", "name": "b", "wsdl": "bank.wsdl", "operation": "Nope"})")
                .find("no SOAP operation 'Nope'"),
            std::string::npos);
  EXPECT_NE(problem(R"({"type": "soap", "name": "b", "wsdl": "bank.wsdl",
      "operation": "GetBalance", "parameters": {"Pin": "1"}})")
                .find("no parameter 'Pin'"),
            std::string::npos);
  EXPECT_NE(problem(R"({"type": "soap", "name": "b", "wsdl": "bank.wsdl", "operation": "GetBalance",
      "envelope": "<x/>"})")
                .find("comes from the WSDL"),
            std::string::npos);
}

constexpr std::string_view kUrlModule = R"({"type": "soap", "name": "bal",
    "wsdl": "https://bank.example/bank.wsdl", "operation": "GetBalance",
    "parameters": {"Account": "{{account}}"}, "exits": {"error": {"page": "failed"}}})";

void respond(Interpreter& interpreter, int status, std::string_view body) {
  WebResponse r;
  r.status = status;
  r.body = std::string(body);
  interpreter.on_web_response(std::move(r));
}

TEST(SoapWsdl, AWsdlUrlIsFetchedOnceAndCachedAcrossCalls) {
  auto app = parse_app(app_json(kUrlModule), "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  WsdlCache shared;
  {
    FakeFlowHost host;
    host.shared_wsdl = &shared;
    Interpreter first(*app, host, Variables{});
    first.start();
    ASSERT_EQ(host.web_requests.size(), 1u);
    EXPECT_EQ(host.web_requests[0].method, "GET");
    EXPECT_EQ(host.web_requests[0].url, "https://bank.example/bank.wsdl");
    respond(first, 200, kWsdl);
    ASSERT_EQ(host.web_requests.size(), 2u);
    EXPECT_EQ(host.web_requests[1].method, "POST");
    EXPECT_EQ(host.web_requests[1].url, "https://bank.example/soap11");
    respond(first, 200, R"(<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/">
      <s:Body><r:GetBalanceResponse xmlns:r="urn:bank:types"><r:Balance>12.50</r:Balance>
      </r:GetBalanceResponse></s:Body></s:Envelope>)");
    EXPECT_EQ(host.last_text(), "after");
    EXPECT_EQ(first.variables().lookup("bal.data.GetBalanceResponse.Balance")->to_text(), "12.50");
  }
  {
    FakeFlowHost host;  // a second call on the same worker: no second fetch
    host.shared_wsdl = &shared;
    Interpreter second(*app, host, Variables{});
    second.start();
    ASSERT_EQ(host.web_requests.size(), 1u);
    EXPECT_EQ(host.web_requests[0].method, "POST");
  }
  {
    FakeFlowHost host;  // after the TTL it is fetched again
    host.shared_wsdl = &shared;
    host.now += std::chrono::hours(1);
    Interpreter third(*app, host, Variables{});
    third.start();
    ASSERT_EQ(host.web_requests.size(), 1u);
    EXPECT_EQ(host.web_requests[0].method, "GET");
  }
}

TEST(SoapWsdl, ABadOrMissingWsdlUrlTakesTheErrorExit) {
  auto app = parse_app(app_json(kUrlModule), "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  for (const auto& [status, body] : std::vector<std::pair<int, std::string_view>>{
           {200, "<html>not a wsdl</html>"}, {404, "gone"}, {200, kWsdl.substr(0, 200)}}) {
    FakeFlowHost host;
    Interpreter call(*app, host, Variables{});
    call.start();
    respond(call, status, body);
    EXPECT_EQ(host.web_requests.size(), 1u);  // no SOAP request went out
    EXPECT_EQ(host.last_text(), "failed");
    EXPECT_NE(call.variables().get("bal$.error")->find("WSDL"), std::string::npos);
  }
}

}  // namespace
}  // namespace keyline::flow
