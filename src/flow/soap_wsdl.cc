#include "flow/soap_wsdl.h"

#include <pugixml.hpp>

#include <algorithm>

#include "flow/soap_module.h"

namespace keyline::flow {
namespace {

constexpr std::string_view kWsdlNs = "http://schemas.xmlsoap.org/wsdl/";
constexpr std::string_view kSoap11Ns = "http://schemas.xmlsoap.org/wsdl/soap/";
constexpr std::string_view kSoap12Ns = "http://schemas.xmlsoap.org/wsdl/soap12/";
constexpr std::string_view kSchemaNs = "http://www.w3.org/2001/XMLSchema";
constexpr std::string_view kSchemaInstanceNs = "http://www.w3.org/2001/XMLSchema-instance";
constexpr std::string_view kSoap11Encoding = "http://schemas.xmlsoap.org/soap/encoding/";
constexpr std::string_view kSoap12Encoding = "http://www.w3.org/2003/05/soap-encoding";

Error wsdl_error(std::string message) { return Error{"wsdl", std::move(message)}; }

std::string_view local_name(std::string_view name) {
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string_view prefix_of(std::string_view name) {
  const auto colon = name.find(':');
  return colon == std::string_view::npos ? std::string_view() : name.substr(0, colon);
}

// The namespace URI bound to `prefix` ("" for the default namespace) where `node` is.
std::string_view namespace_of(pugi::xml_node node, std::string_view prefix) {
  const std::string attribute = prefix.empty() ? "xmlns" : "xmlns:" + std::string(prefix);
  for (; node; node = node.parent()) {
    if (auto a = node.attribute(attribute.c_str())) return a.value();
  }
  return {};
}

// An element's namespace and local name.
struct QName {
  std::string_view ns;
  std::string_view local;
  bool is(std::string_view want_ns, std::string_view want_local) const {
    return ns == want_ns && local == want_local;
  }
};

QName element_name(pugi::xml_node node) {
  const std::string_view name = node.name();
  return {namespace_of(node, prefix_of(name)), local_name(name)};
}

// A QName written in an attribute value ("tns:GetBalance"), resolved where it is written.
QName attribute_qname(pugi::xml_node node, const char* attribute) {
  const std::string_view value = node.attribute(attribute).value();
  return {namespace_of(node, prefix_of(value)), local_name(value)};
}

// The WSDL children of `parent` named `local`.
std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view ns,
                                     std::string_view local) {
  std::vector<pugi::xml_node> out;
  for (auto c : parent.children())
    if (c.type() == pugi::node_element && element_name(c).is(ns, local)) out.push_back(c);
  return out;
}

pugi::xml_node child(pugi::xml_node parent, std::string_view ns, std::string_view local) {
  auto all = children(parent, ns, local);
  return all.empty() ? pugi::xml_node() : all.front();
}

pugi::xml_node named(pugi::xml_node parent, std::string_view ns, std::string_view local,
                     std::string_view name) {
  for (auto c : children(parent, ns, local))
    if (name == c.attribute("name").value()) return c;
  return {};
}

// The SOAP extension element of a binding, operation or port, and which version it is.
pugi::xml_node soap_child(pugi::xml_node parent, std::string_view local,
                          std::optional<SoapSettings::Version>& version) {
  if (auto c = child(parent, kSoap11Ns, local)) {
    version = SoapSettings::Version::k11;
    return c;
  }
  if (auto c = child(parent, kSoap12Ns, local)) {
    version = SoapSettings::Version::k12;
    return c;
  }
  return {};
}

// The schema's element declarations: where a document/literal part's element is described.
class Schemas {
 public:
  explicit Schemas(pugi::xml_node definitions) {
    if (auto types = child(definitions, kWsdlNs, "types"))
      schemas_ = children(types, kSchemaNs, "schema");
  }
  // The parameter names of element {ns}local (its sequence's elements), and whether they are
  // qualified. Nothing found (an import, a ref, a type elsewhere): empty and unqualified.
  void describe(std::string_view ns, std::string_view local, WsdlOperation& op) const {
    for (auto schema : schemas_) {
      if (ns != schema.attribute("targetNamespace").value()) continue;
      auto element = named(schema, kSchemaNs, "element", local);
      if (!element) continue;
      op.qualified_parameters =
          std::string_view(schema.attribute("elementFormDefault").value()) == "qualified";
      auto type = child(element, kSchemaNs, "complexType");
      if (!type && element.attribute("type")) {
        const QName t = attribute_qname(element, "type");
        if (t.ns == ns) type = named(schema, kSchemaNs, "complexType", t.local);
      }
      if (auto sequence = child(type, kSchemaNs, "sequence")) {
        for (auto e : children(sequence, kSchemaNs, "element"))
          if (e.attribute("name")) op.parameters.emplace_back(e.attribute("name").value());
      }
      return;
    }
  }

 private:
  std::vector<pugi::xml_node> schemas_;
};

// The input message's parts: document/literal's element, or rpc's part names.
Status read_input(pugi::xml_node definitions, const Schemas& schemas, pugi::xml_node port_type,
                  std::string_view operation, std::string_view target_ns, WsdlOperation& op) {
  auto port_op = named(port_type, kWsdlNs, "operation", operation);
  auto input = child(port_op, kWsdlNs, "input");
  if (!input) return wsdl_error("operation '" + std::string(operation) + "' has no input");
  const QName message_name = attribute_qname(input, "message");
  auto message = named(definitions, kWsdlNs, "message", message_name.local);
  if (!message)
    return wsdl_error("operation '" + std::string(operation) + "': no message '" +
                      std::string(message_name.local) + "'");
  auto parts = children(message, kWsdlNs, "part");
  if (op.rpc) {
    op.element = std::string(operation);
    if (op.element_namespace.empty()) op.element_namespace = std::string(target_ns);
    for (auto p : parts) {
      op.parameters.emplace_back(p.attribute("name").value());
      if (!op.encoded) continue;
      const QName type = p.attribute("type") ? attribute_qname(p, "type") : QName{};
      op.parameter_types.push_back({std::string(type.ns), std::string(type.local)});
    }
    return Ok{};
  }
  if (parts.size() != 1 || !parts[0].attribute("element"))
    return wsdl_error("operation '" + std::string(operation) +
                      "': a document/literal input needs one part with an element");
  const QName element = attribute_qname(parts[0], "element");
  op.element = std::string(element.local);
  op.element_namespace = std::string(element.ns);
  schemas.describe(element.ns, element.local, op);
  return Ok{};
}

bool valid_xml_name(std::string_view name) {
  if (name.empty()) return false;
  const auto ok = [](char c, bool first) {
    const bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    return letter || (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
  };
  for (std::size_t i = 0; i < name.size(); ++i)
    if (!ok(name[i], i == 0)) return false;
  return true;
}

// XML-escapes the literal text of a template, leaving its {{placeholders}} as they are.
std::string escape_literal(std::string_view text) {
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("{{", pos);
    const auto close = open == std::string_view::npos ? open : text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      out += xml_escape(text.substr(pos));
      break;
    }
    out += xml_escape(text.substr(pos, open - pos));
    out += text.substr(open, close + 2 - open);
    pos = close + 2;
  }
  return out;
}

// rpc/encoded: the xsi:type attribute of parameter `name` (with the declaration of its
// namespace when that is not XML Schema's), or "" (literal use, or a part without a type).
Result<std::string> encoded_type(const WsdlOperation& op, std::string_view name) {
  if (!op.encoded) return std::string();
  for (std::size_t i = 0; i < op.parameters.size() && i < op.parameter_types.size(); ++i) {
    if (op.parameters[i] != name) continue;
    const auto& type = op.parameter_types[i];
    if (type.local.empty()) return std::string();
    if (!valid_xml_name(type.local))
      return wsdl_error("part '" + std::string(name) + "' has a type with no usable name");
    if (type.ns == kSchemaNs) return " xsi:type=\"xsd:" + type.local + "\"";
    return " xsi:type=\"t:" + type.local + "\" xmlns:t=\"" + xml_escape(type.ns) + "\"";
  }
  return std::string();
}

}  // namespace

const WsdlOperation* Wsdl::find(std::string_view name,
                                std::optional<SoapSettings::Version> version) const {
  const WsdlOperation* other = nullptr;
  for (const auto& op : operations) {
    if (op.name != name) continue;
    if (version ? op.version == *version : op.version == SoapSettings::Version::k11) return &op;
    if (!other && !version) other = &op;
  }
  return other;
}

Result<Wsdl> parse_wsdl(std::string_view text) {
  if (text.size() > kMaxWsdlBytes) return wsdl_error("the WSDL is larger than 2 MiB");
  std::string buffer(text);
  pugi::xml_document doc;
  // parse_doctype keeps a DOCTYPE as a node so that it can be refused below.
  const auto result = doc.load_buffer_inplace(
      buffer.data(), buffer.size(), pugi::parse_default | pugi::parse_doctype, pugi::encoding_utf8);
  if (!result)
    return wsdl_error(std::string("malformed XML at byte ") + std::to_string(result.offset) + ": " +
                      result.description());
  for (auto n = doc.first_child(); n; n = n.next_sibling())
    if (n.type() == pugi::node_doctype) return wsdl_error("a DOCTYPE is not accepted");
  const pugi::xml_node definitions = doc.document_element();
  if (!element_name(definitions).is(kWsdlNs, "definitions"))
    return wsdl_error("the root element is not a WSDL 1.1 definitions element");
  const std::string_view target_ns = definitions.attribute("targetNamespace").value();
  const Schemas schemas(definitions);

  Wsdl out;
  for (auto binding : children(definitions, kWsdlNs, "binding")) {
    std::optional<SoapSettings::Version> version;
    auto soap_binding = soap_child(binding, "binding", version);
    if (!soap_binding) continue;  // an HTTP or MIME binding: not SOAP
    const bool rpc_binding = std::string_view(soap_binding.attribute("style").value()) == "rpc";
    const std::string_view binding_name = binding.attribute("name").value();
    auto port_type =
        named(definitions, kWsdlNs, "portType", attribute_qname(binding, "type").local);
    if (!port_type)
      return wsdl_error("binding '" + std::string(binding_name) + "' names no portType");
    // The address of the first port that uses this binding.
    std::string address;
    std::optional<SoapSettings::Version> address_version;
    for (auto service : children(definitions, kWsdlNs, "service")) {
      for (auto port : children(service, kWsdlNs, "port")) {
        if (attribute_qname(port, "binding").local != binding_name || !address.empty()) continue;
        if (auto a = soap_child(port, "address", address_version))
          address = a.attribute("location").value();
      }
    }
    for (auto operation : children(binding, kWsdlNs, "operation")) {
      WsdlOperation op;
      op.name = operation.attribute("name").value();
      op.version = *version;
      op.address = address;
      std::optional<SoapSettings::Version> ignored;
      auto soap_op = soap_child(operation, "operation", ignored);
      op.soap_action = soap_op.attribute("soapAction").value();
      const std::string_view style = soap_op.attribute("style").value();
      op.rpc = style.empty() ? rpc_binding : style == "rpc";
      if (auto input = child(operation, kWsdlNs, "input")) {
        if (auto body = soap_child(input, "body", ignored)) {
          op.encoded = std::string_view(body.attribute("use").value()) == "encoded";
          // document/encoded has no agreed shape (and nearly no users): left out.
          if (op.encoded && !op.rpc) continue;
          op.encoding_style = body.attribute("encodingStyle").value();
          op.element_namespace = body.attribute("namespace").value();
        }
      }
      if (op.encoded && op.encoding_style.empty())
        op.encoding_style = op.version == SoapSettings::Version::k12 ? std::string(kSoap12Encoding)
                                                                     : std::string(kSoap11Encoding);
      if (auto status = read_input(definitions, schemas, port_type, op.name, target_ns, op);
          !status)
        return status.error();
      out.operations.push_back(std::move(op));
    }
  }
  if (out.operations.empty()) return wsdl_error("the WSDL has no SOAP 1.1 or 1.2 operation");
  return out;
}

Result<std::string> wsdl_envelope(
    const WsdlOperation& op, const std::vector<std::pair<std::string, std::string>>& parameters) {
  if (!valid_xml_name(op.element))
    return wsdl_error("operation '" + op.name + "': the body element has no usable name");
  std::vector<std::pair<std::string, std::string>> ordered;
  for (const auto& [name, text] : parameters) {
    if (!valid_xml_name(name)) return wsdl_error("'" + name + "' is not an XML element name");
    if (!op.parameters.empty() &&
        std::find(op.parameters.begin(), op.parameters.end(), name) == op.parameters.end())
      return wsdl_error("operation '" + op.name + "' has no parameter '" + name + "'");
  }
  // The schema's order when it has one (a sequence is ordered), else the module's.
  if (op.parameters.empty()) {
    ordered = parameters;
  } else {
    for (const auto& want : op.parameters)
      for (const auto& p : parameters)
        if (p.first == want) ordered.push_back(p);
  }
  const bool v12 = op.version == SoapSettings::Version::k12;
  const std::string env_ns =
      v12 ? "http://www.w3.org/2003/05/soap-envelope" : "http://schemas.xmlsoap.org/soap/envelope/";
  const std::string ns_attr =
      op.element_namespace.empty() ? "" : " xmlns:m=\"" + xml_escape(op.element_namespace) + "\"";
  const std::string element = op.element_namespace.empty() ? op.element : "m:" + op.element;
  const std::string child_prefix =
      op.qualified_parameters && !op.element_namespace.empty() ? "m:" : "";
  std::string envelope_attrs;
  std::string element_attrs = ns_attr;
  if (op.encoded) {
    envelope_attrs = " xmlns:xsi=\"" + std::string(kSchemaInstanceNs) + "\" xmlns:xsd=\"" +
                     std::string(kSchemaNs) + "\"";
    element_attrs += " soap:encodingStyle=\"" + xml_escape(op.encoding_style) + "\"";
  }
  std::string out = "<soap:Envelope xmlns:soap=\"" + env_ns + "\"" + envelope_attrs +
                    "><soap:Body><" + element + element_attrs + ">";
  for (const auto& [name, text] : ordered) {
    auto type = encoded_type(op, name);
    if (!type) return type.error();
    out += "<" + child_prefix + name + *type + ">" + escape_literal(text) + "</" + child_prefix +
           name + ">";
  }
  out += "</" + element + "></soap:Body></soap:Envelope>";
  return out;
}

Status apply_wsdl_operation(const WsdlOperation& op, SoapSettings& settings) {
  auto envelope = wsdl_envelope(op, settings.parameters);
  if (!envelope) return envelope.error();
  if (settings.url.empty()) {
    if (op.address.empty())
      return wsdl_error("operation '" + op.name + "' has no service address: give 'url'");
    settings.url = op.address;
  }
  settings.envelope = std::move(*envelope);
  settings.action = op.soap_action;
  settings.version = op.version;
  return Ok{};
}

std::shared_ptr<const Wsdl> WsdlCache::find(const std::string& url, Clock::time_point now) {
  auto it = entries_.find(url);
  if (it == entries_.end()) return nullptr;
  if (now - it->second.fetched >= ttl_ || now < it->second.fetched) {
    entries_.erase(it);
    return nullptr;
  }
  return it->second.wsdl;
}

void WsdlCache::store(const std::string& url, std::shared_ptr<const Wsdl> wsdl,
                      Clock::time_point now) {
  if (entries_.size() >= max_entries_ && !entries_.count(url)) {
    auto oldest = std::min_element(
        entries_.begin(), entries_.end(),
        [](const auto& a, const auto& b) { return a.second.fetched < b.second.fetched; });
    entries_.erase(oldest);
  }
  entries_[url] = Entry{std::move(wsdl), now};
}

}  // namespace keyline::flow
