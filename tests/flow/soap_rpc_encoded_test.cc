// rpc/encoded WSDL operations (soap:body use="encoded"): the operation element in the body's
// namespace with soap:encodingStyle, each part an unqualified child with its xsi:type. The
// envelope is checked by reading it back with an XML parser, not by comparing text only.
#include <gtest/gtest.h>

#include <pugixml.hpp>

#include "flow/soap_module.h"
#include "flow/soap_wsdl.h"
#include "flow/xml_value.h"

namespace keyline::flow {
namespace {

// An Axis-1-style service: rpc/encoded on SOAP 1.1 (explicit encodingStyle) and SOAP 1.2
// (none given), a part of a type in the service's own namespace, a part with no type, and a
// document/encoded operation (not supported: left out).
constexpr std::string_view kWsdl = R"(<?xml version="1.0"?>
<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/"
    xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/"
    xmlns:soap12="http://schemas.xmlsoap.org/wsdl/soap12/"
    xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:legacy:pay"
    xmlns:lt="urn:legacy:types" targetNamespace="urn:legacy:pay">
  <wsdl:message name="ChargeIn">
    <wsdl:part name="card" type="xsd:string"/><wsdl:part name="cents" type="xsd:int"/>
    <wsdl:part name="mode" type="lt:Mode"/><wsdl:part name="note"/>
  </wsdl:message>
  <wsdl:message name="DocIn"><wsdl:part name="x" type="xsd:string"/></wsdl:message>
  <wsdl:portType name="Pay">
    <wsdl:operation name="Charge"><wsdl:input message="tns:ChargeIn"/></wsdl:operation>
    <wsdl:operation name="Doc"><wsdl:input message="tns:DocIn"/></wsdl:operation>
  </wsdl:portType>
  <wsdl:binding name="B11" type="tns:Pay"><soap:binding style="rpc"/>
    <wsdl:operation name="Charge"><soap:operation soapAction="urn:legacy:pay#Charge"/>
      <wsdl:input><soap:body use="encoded" namespace="urn:legacy:pay:ops"
        encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/></wsdl:input></wsdl:operation>
    <wsdl:operation name="Doc"><soap:operation style="document"/>
      <wsdl:input><soap:body use="encoded"/></wsdl:input></wsdl:operation>
  </wsdl:binding>
  <wsdl:binding name="B12" type="tns:Pay"><soap12:binding style="rpc"/>
    <wsdl:operation name="Charge"><soap12:operation soapAction="urn:legacy:pay#Charge12"/>
      <wsdl:input><soap12:body use="encoded" namespace="urn:legacy:pay:ops"/></wsdl:input>
    </wsdl:operation>
  </wsdl:binding>
  <wsdl:service name="S"><wsdl:port name="P" binding="tns:B11">
    <soap:address location="https://legacy.example.com/axis/Pay"/></wsdl:port></wsdl:service>
</wsdl:definitions>)";

// The namespace URI that `prefix` means at `node`.
std::string uri_of(pugi::xml_node node, const std::string& prefix) {
  const std::string attribute = "xmlns:" + prefix;
  for (; node; node = node.parent())
    if (auto a = node.attribute(attribute.c_str())) return a.value();
  return "(unbound)";
}

// "{namespace}local" of the QName in an xsi:type attribute.
std::string xsi_type(pugi::xml_node node) {
  const std::string value = node.attribute("xsi:type").value();
  const auto colon = value.find(':');
  if (colon == std::string::npos) return "(no type)";
  return "{" + uri_of(node, value.substr(0, colon)) + "}" + value.substr(colon + 1);
}

TEST(WsdlRpcEncoded, OperationsAreReadWithTheirPartTypes) {
  auto wsdl = parse_wsdl(kWsdl);
  ASSERT_TRUE(wsdl.ok()) << wsdl.error().message;
  const WsdlOperation* charge = wsdl->find("Charge", SoapSettings::Version::k11);
  ASSERT_NE(charge, nullptr);
  EXPECT_TRUE(charge->rpc);
  EXPECT_TRUE(charge->encoded);
  EXPECT_EQ(charge->encoding_style, "http://schemas.xmlsoap.org/soap/encoding/");
  EXPECT_EQ(charge->element_namespace, "urn:legacy:pay:ops");
  EXPECT_EQ(charge->parameters, (std::vector<std::string>{"card", "cents", "mode", "note"}));
  ASSERT_EQ(charge->parameter_types.size(), 4u);
  EXPECT_EQ(charge->parameter_types[2].ns, "urn:legacy:types");
  EXPECT_EQ(charge->parameter_types[2].local, "Mode");
  EXPECT_EQ(charge->parameter_types[3].local, "");
  // SOAP 1.2 without an encodingStyle: that version's encoding.
  const WsdlOperation* charge12 = wsdl->find("Charge", SoapSettings::Version::k12);
  ASSERT_NE(charge12, nullptr);
  EXPECT_EQ(charge12->encoding_style, "http://www.w3.org/2003/05/soap-encoding");
  // document/encoded is left out.
  EXPECT_EQ(wsdl->find("Doc", std::nullopt), nullptr);
}

TEST(WsdlRpcEncoded, TheEnvelopeCarriesEncodingStyleAndXsiTypes) {
  auto wsdl = parse_wsdl(kWsdl);
  ASSERT_TRUE(wsdl.ok());
  const WsdlOperation* charge = wsdl->find("Charge", SoapSettings::Version::k11);
  ASSERT_NE(charge, nullptr);
  auto envelope = wsdl_envelope(
      *charge,
      {{"note", "a < b"}, {"cents", "{{amount}}"}, {"card", "{{card}}"}, {"mode", "sale"}});
  ASSERT_TRUE(envelope.ok()) << envelope.error().message;
  EXPECT_FALSE(check_envelope_template(*envelope).has_value()) << *envelope;

  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(envelope->c_str())) << *envelope;
  auto body = doc.document_element().child("soap:Body");
  auto op = body.first_child();
  EXPECT_EQ(std::string(op.name()), "m:Charge");
  EXPECT_EQ(uri_of(op, "m"), "urn:legacy:pay:ops");
  EXPECT_EQ(std::string(op.attribute("soap:encodingStyle").value()),
            "http://schemas.xmlsoap.org/soap/encoding/");
  EXPECT_EQ(uri_of(op, "xsi"), "http://www.w3.org/2001/XMLSchema-instance");
  // The parts: the message's order, unqualified, each with its type.
  std::vector<std::string> names;
  for (auto part : op.children()) names.emplace_back(part.name());
  EXPECT_EQ(names, (std::vector<std::string>{"card", "cents", "mode", "note"}));
  EXPECT_EQ(xsi_type(op.child("card")), "{http://www.w3.org/2001/XMLSchema}string");
  EXPECT_EQ(xsi_type(op.child("cents")), "{http://www.w3.org/2001/XMLSchema}int");
  EXPECT_EQ(xsi_type(op.child("mode")), "{urn:legacy:types}Mode");
  EXPECT_EQ(xsi_type(op.child("note")), "(no type)");
  EXPECT_EQ(std::string(op.child("note").text().get()), "a < b");
  EXPECT_EQ(std::string(op.child("card").text().get()), "{{card}}");
}

TEST(WsdlRpcEncoded, ApplyingTheOperationFillsActionAddressAndVersion) {
  auto wsdl = parse_wsdl(kWsdl);
  ASSERT_TRUE(wsdl.ok());
  SoapSettings settings;
  settings.parameters = {{"card", "{{card}}"}, {"cents", "1250"}};
  ASSERT_TRUE(apply_wsdl_operation(*wsdl->find("Charge", std::nullopt), settings).ok());
  EXPECT_EQ(settings.url, "https://legacy.example.com/axis/Pay");
  EXPECT_EQ(settings.action, "urn:legacy:pay#Charge");
  EXPECT_EQ(settings.version, SoapSettings::Version::k11);
  EXPECT_NE(settings.envelope.find("soap:encodingStyle="), std::string::npos);
  // A parameter the message does not list is still an error.
  settings.parameters = {{"pin", "1"}};
  EXPECT_FALSE(apply_wsdl_operation(*wsdl->find("Charge", std::nullopt), settings).ok());
}

TEST(WsdlRpcEncoded, AnUnusableTypeNameIsAnErrorNotBrokenXml) {
  std::string text(kWsdl);
  const std::string from = R"(type="lt:Mode")";
  text.replace(text.find(from), from.size(), R"(type="lt:1&quot;bad")");
  auto wsdl = parse_wsdl(text);
  ASSERT_TRUE(wsdl.ok()) << wsdl.error().message;
  auto envelope = wsdl_envelope(*wsdl->find("Charge", std::nullopt), {{"mode", "sale"}});
  EXPECT_FALSE(envelope.ok());
}

TEST(WsdlRpcEncoded, AnEncodedAnswerReadsWithoutItsTypeAnnotations) {
  auto reply = parse_soap_reply(
      R"(<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"
        xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:x="urn:other"><e:Body>
        <r:ChargeResponse xmlns:r="urn:legacy:ops"
          e:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">
        <status xsi:type="xsd:string">approved</status><ref x:type="kept">7</ref>
        </r:ChargeResponse></e:Body></e:Envelope>)",
      false);
  ASSERT_TRUE(reply.ok()) << reply.error().message;
  const Value& response = reply->body.member("ChargeResponse");
  EXPECT_EQ(response.member("status").as_string(), "approved");
  // Only SOAP's and XML Schema's annotations go: another namespace's attribute is data.
  EXPECT_EQ(response.member("ref").member("@type").as_string(), "kept");
  EXPECT_EQ(response.member("ref").member("#text").as_string(), "7");
  EXPECT_EQ(response.member("@encodingStyle").kind(), Value::Kind::kNull);
}

}  // namespace
}  // namespace keyline::flow
