// WSDL 1.1 for the SOAP module (docs/apps.md, "soap", WSDL): a module may name a `wsdl` and an
// `operation` instead of writing the endpoint, SOAPAction, version and envelope by hand. The
// WSDL is read (pugixml, soap_wsdl.cc) into the operations of its SOAP bindings; an operation
// and the module's parameters then make the envelope template that build_soap_request fills.
//
// A WSDL is untrusted input (it may come from a web server): every problem is an error value,
// a DOCTYPE is refused (no entity expansion), and sizes are bounded.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"
#include "flow/app_document.h"

namespace keyline::flow {

inline constexpr std::size_t kMaxWsdlBytes = 2 * 1024 * 1024;

// One operation of one SOAP binding, with what the envelope needs.
struct WsdlOperation {
  std::string name;
  std::string address;      // the port's soap:address / soap12:address location ("" if none)
  std::string soap_action;  // soap:operation soapAction ("" if none)
  SoapSettings::Version version = SoapSettings::Version::k11;
  bool rpc = false;  // style="rpc": the body element is the operation, its children the parts
  // The Body's child element: document/literal, the input part's element; rpc, the operation.
  std::string element;
  std::string element_namespace;
  // Whether the parameter elements are in element_namespace too: document, the schema's
  // elementFormDefault="qualified"; rpc, never (WS-I Basic Profile: rpc parts are unqualified).
  bool qualified_parameters = false;
  // The parameters the schema lists, in order; empty when the WSDL does not say (then any
  // parameter the module gives is sent, in the module's order).
  std::vector<std::string> parameters;
  // rpc/encoded (soap:body use="encoded"; SOAP section 5 encoding): the operation element
  // carries soap:encodingStyle and each part says its type with xsi:type, as older (Axis 1,
  // .NET remoting era) services expect. Types run parallel to `parameters`.
  bool encoded = false;
  std::string encoding_style;  // the soap:body's encodingStyle (default: the SOAP version's)
  struct PartType {
    std::string ns;     // "http://www.w3.org/2001/XMLSchema" for xsd:string, xsd:int, ...
    std::string local;  // "" when the part names no type
  };
  std::vector<PartType> parameter_types;
};

struct Wsdl {
  std::vector<WsdlOperation> operations;
  // `name` in a binding of `version` (nullopt: the first SOAP 1.1 binding's, else SOAP 1.2's).
  const WsdlOperation* find(std::string_view name,
                            std::optional<SoapSettings::Version> version) const;
};

// Errors (kind "wsdl"): not XML, a DOCTYPE, not a WSDL 1.1 definitions element, no SOAP binding.
Result<Wsdl> parse_wsdl(std::string_view text);

// The envelope template for `op` with `parameters` (name -> text with {{placeholders}}, sent in
// the schema's order). The literal text of a parameter is XML-escaped here; the values of its
// placeholders are escaped when build_soap_request fills them. Errors: a parameter the schema
// does not list.
Result<std::string> wsdl_envelope(
    const WsdlOperation& op, const std::vector<std::pair<std::string, std::string>>& parameters);

// Fills the settings from the operation: the envelope, the action, the version, and the url
// unless the module gave one (which overrides the WSDL's address).
Status apply_wsdl_operation(const WsdlOperation& op, SoapSettings& settings);

// Parsed WSDLs by URL, each kept for `ttl` after it was fetched, so a busy app fetches its WSDL
// once per ttl and not once per call. One per worker (not thread-safe: a worker's calls run on
// its one thread). Bounded: the oldest entry goes when it is full.
class WsdlCache {
 public:
  using Clock = std::chrono::system_clock;
  explicit WsdlCache(std::chrono::seconds ttl = std::chrono::seconds(600),
                     std::size_t max_entries = 64)
      : ttl_(ttl), max_entries_(max_entries) {}
  std::shared_ptr<const Wsdl> find(const std::string& url, Clock::time_point now);
  void store(const std::string& url, std::shared_ptr<const Wsdl> wsdl, Clock::time_point now);
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::shared_ptr<const Wsdl> wsdl;
    Clock::time_point fetched;
  };
  std::chrono::seconds ttl_;
  std::size_t max_entries_;
  std::map<std::string, Entry> entries_;
};

}  // namespace keyline::flow
