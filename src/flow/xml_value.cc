#include "flow/xml_value.h"

#include <pugixml.hpp>

#include <cstring>
#include <vector>

#include "flow/secure_wipe.h"

namespace keyline::flow {
namespace {

std::string_view local_name(const char* name) {
  std::string_view n(name);
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The parsed document over a buffer we own: pugixml parses in place (names and texts point
// into it), so wiping the buffer afterwards overwrites the answer's values, which a copy inside
// pugixml would not allow.
class XmlDocument {
 public:
  explicit XmlDocument(std::string_view text) : buffer_(text) {}
  ~XmlDocument() { secure_wipe(buffer_); }
  XmlDocument(const XmlDocument&) = delete;
  XmlDocument& operator=(const XmlDocument&) = delete;

  std::optional<std::string> load() {
    // parse_doctype keeps a DOCTYPE as a node so that it can be refused below.
    const unsigned options = pugi::parse_default | pugi::parse_doctype;
    const pugi::xml_parse_result result =
        doc_.load_buffer_inplace(buffer_.data(), buffer_.size(), options, pugi::encoding_utf8);
    if (!result)
      return std::string("malformed XML at byte ") + std::to_string(result.offset) + ": " +
             result.description();
    for (pugi::xml_node n = doc_.first_child(); n; n = n.next_sibling()) {
      if (n.type() == pugi::node_doctype) return std::string("a DOCTYPE is not accepted");
    }
    if (!doc_.document_element()) return std::string("no root element");
    return std::nullopt;
  }
  pugi::xml_node root() const { return doc_.document_element(); }

 private:
  std::string buffer_;
  pugi::xml_document doc_;
};

// The namespace URI bound to `prefix` where `node` is ("" when unbound).
std::string_view namespace_of(pugi::xml_node node, std::string_view prefix) {
  const std::string attribute = "xmlns:" + std::string(prefix);
  for (; node; node = node.parent()) {
    if (auto a = node.attribute(attribute.c_str())) return a.value();
  }
  return {};
}

// SOAP encoding's annotations on an answer's elements (rpc/encoded services put xsi:type on
// every value): xsi:* attributes and soap:encodingStyle say how a value is typed, not what it
// is, so a SOAP answer's variables leave them out (<status xsi:type="xsd:string">ok</status>
// is "ok", not {"@type": ..., "#text": "ok"}).
bool soap_annotation(const pugi::xml_node& node, std::string_view name) {
  const auto colon = name.find(':');
  if (colon == std::string_view::npos) return false;
  const std::string_view ns = namespace_of(node, name.substr(0, colon));
  if (ns == "http://www.w3.org/2001/XMLSchema-instance") return true;
  return name.substr(colon + 1) == "encodingStyle" &&
         (ns == "http://schemas.xmlsoap.org/soap/envelope/" ||
          ns == "http://www.w3.org/2003/05/soap-envelope");
}

class Mapper {
 public:
  explicit Mapper(bool is_private, bool soap = false) : private_(is_private), soap_(soap) {}

  std::optional<Value> element(const pugi::xml_node& node, int depth) {
    if (depth > kMaxXmlDepth) {
      problem_ = "the XML is nested deeper than " + std::to_string(kMaxXmlDepth) + " levels";
      return std::nullopt;
    }
    if (++nodes_ > kMaxXmlNodes) {
      problem_ = "the XML has more than " + std::to_string(kMaxXmlNodes) + " elements";
      return std::nullopt;
    }
    // Members by name in first-seen order; a name seen more than once becomes a list.
    std::vector<std::pair<std::string, Value::List>> groups;
    auto add = [&groups](std::string key, Value v) {
      for (auto& [k, items] : groups) {
        if (k == key) {
          items.push_back(std::move(v));
          return;
        }
      }
      groups.emplace_back(std::move(key), Value::List{});
      groups.back().second.push_back(std::move(v));
    };
    for (const pugi::xml_attribute& a : node.attributes()) {
      const std::string_view name(a.name());
      if (name == "xmlns" || name.rfind("xmlns:", 0) == 0) continue;
      if (soap_ && soap_annotation(node, name)) continue;
      add("@" + std::string(local_name(a.name())), Value::string(a.value(), private_));
    }
    std::string text;
    bool has_children = false;
    for (pugi::xml_node child = node.first_child(); child; child = child.next_sibling()) {
      if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) {
        text += child.value();
      } else if (child.type() == pugi::node_element) {
        has_children = true;
        auto v = element(child, depth + 1);
        if (!v) return std::nullopt;
        add(std::string(local_name(child.name())), std::move(*v));
      }
    }
    if (groups.empty() && !has_children) return Value::string(std::move(text), private_);
    Value::Map members;
    for (auto& [key, items] : groups) {
      if (items.size() == 1) {
        members.emplace_back(std::move(key), std::move(items.front()));
      } else {
        members.emplace_back(std::move(key), Value::list(std::move(items), private_));
      }
    }
    if (!blank(text)) members.emplace_back("#text", Value::string(text, private_));
    secure_wipe(text);
    return Value::map(std::move(members), private_);
  }

  const std::string& problem() const { return problem_; }

 private:
  bool private_;
  bool soap_;
  std::size_t nodes_ = 0;
  std::string problem_;
};

Result<Value> map_root(const pugi::xml_node& node, bool is_private) {
  Mapper mapper(is_private);
  auto v = mapper.element(node, 1);
  if (!v) return make_error("xml", mapper.problem());
  Value::Map top;
  top.emplace_back(std::string(local_name(node.name())), std::move(*v));
  return Value::map(std::move(top), is_private);
}

pugi::xml_node child_named(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() == pugi::node_element && local_name(c.name()) == name) return c;
  }
  return {};
}

std::string text_of(const pugi::xml_node& node) { return node ? node.child_value() : ""; }

}  // namespace

Result<Value> parse_xml_value(std::string_view text, bool is_private) {
  XmlDocument doc(text);
  if (auto problem = doc.load()) return make_error("xml", *problem);
  return map_root(doc.root(), is_private);
}

Result<SoapReply> parse_soap_reply(std::string_view text, bool is_private) {
  XmlDocument doc(text);
  if (auto problem = doc.load()) return make_error("xml", *problem);
  const pugi::xml_node envelope = doc.root();
  if (local_name(envelope.name()) != "Envelope")
    return make_error("xml", "the answer is not a SOAP envelope");
  const pugi::xml_node body = child_named(envelope, "Body");
  if (!body) return make_error("xml", "the SOAP envelope has no Body");
  SoapReply reply;
  Mapper mapper(is_private, true);
  auto mapped = mapper.element(body, 1);
  if (!mapped) return make_error("xml", mapper.problem());
  if (const pugi::xml_node fault = child_named(body, "Fault")) {
    reply.is_fault = true;
    if (const pugi::xml_node code = child_named(fault, "Code")) {  // SOAP 1.2
      reply.fault_code = text_of(child_named(code, "Value"));
      reply.fault_string = text_of(child_named(child_named(fault, "Reason"), "Text"));
    } else {
      reply.fault_code = text_of(child_named(fault, "faultcode"));
      reply.fault_string = text_of(child_named(fault, "faultstring"));
    }
    Value::Map f;
    f.emplace_back("code", Value::string(reply.fault_code, is_private));
    f.emplace_back("string", Value::string(reply.fault_string, is_private));
    Value detail;
    pugi::xml_node d = child_named(fault, "detail");
    if (!d) d = child_named(fault, "Detail");
    if (d) {
      Mapper detail_mapper(is_private, true);
      if (auto v = detail_mapper.element(d, 2)) detail = std::move(*v);
    }
    f.emplace_back("detail", std::move(detail));
    reply.fault = Value::map(std::move(f), is_private);
  }
  // An empty Body maps to "": give the module an empty map instead.
  reply.body =
      mapped->kind() == Value::Kind::kMap ? std::move(*mapped) : Value::map({}, is_private);
  return reply;
}

std::optional<std::string> xml_problem(std::string_view text) {
  XmlDocument doc(text);
  return doc.load();
}

}  // namespace keyline::flow
