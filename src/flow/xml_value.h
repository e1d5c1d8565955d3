// XML web-service answers as variables (REST "return_type": "xml", the SOAP module). The only
// file that includes pugixml is xml_value.cc.
//
// The mapping (docs/apps.md, "XML responses"):
//   - names are local names: a namespace prefix is dropped ("soap:Body" -> "Body") and xmlns
//     declarations are not kept;
//   - an element with neither attributes nor child elements is its text (a string, "" when
//     empty), so <amount>12.50</amount> reads as {{x.data.order.amount}} -> "12.50";
//   - any other element is a map: each attribute as "@name", each child element by its name —
//     a name that repeats becomes a list, in document order — and its non-blank text, if it
//     has any besides the children, as "#text";
//   - the document itself is a map with one member, the root element by its name.
// Every value is a string: "0012" stays "0012" (compare_as "number" converts when needed).
//
// Untrusted input never throws: malformed text, a DOCTYPE (no DTDs at all, so no entity
// expansion: pugixml never expands user-defined entities, and a document declaring any is
// refused outright), more than kMaxXmlDepth levels or kMaxXmlNodes elements is an error.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "flow/value.h"

namespace keyline::flow {

inline constexpr int kMaxXmlDepth = 64;
inline constexpr std::size_t kMaxXmlNodes = 20000;

// The mapped document; every value carries `is_private`.
Result<Value> parse_xml_value(std::string_view text, bool is_private);

// A SOAP 1.1 or 1.2 envelope's answer: the Body's content mapped as above (a map of its child
// elements), or the fault it carries.
struct SoapReply {
  Value body;
  bool is_fault = false;
  std::string fault_code;    // "soap:Server", "env:Receiver" (1.2: the Code's Value)
  std::string fault_string;  // 1.1 faultstring, 1.2 the first Reason/Text
  Value fault;               // {code, string, detail}: detail mapped like the body
};
Result<SoapReply> parse_soap_reply(std::string_view text, bool is_private);

// nullopt when `text` is well-formed XML (no DOCTYPE), else what is wrong and where.
std::optional<std::string> xml_problem(std::string_view text);

}  // namespace keyline::flow
