// The SOAP module's two halves, apart from the interpreter's state machine: the envelope
// filled from the call's variables (each value XML-escaped), and the answer turned into the
// module variable or a fault.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "flow/app_document.h"
#include "flow/variables.h"
#include "flow/web_request.h"

namespace keyline::flow {

// & < > " ' as entities: a value can never open or close an element or an attribute.
std::string xml_escape(std::string_view text);

// Load-time check of an envelope template: with every placeholder standing in for a value, it
// must be well-formed XML with a root element named Envelope. nullopt when it is.
std::optional<std::string> check_envelope_template(std::string_view envelope);

// POST of the filled envelope with the SOAP 1.1 or 1.2 headers. carries_private is set when any
// inserted value is private (or the module is); fails, before anything is sent, when a private
// value would travel over plain http.
Result<WebRequest> build_soap_request(const Module& module, const Variables& variables);

// What the module stores after a response arrived.
struct SoapResult {
  Value value;          // {status, data}: data is the Body's content (xml_value.h)
  Value fault;          // {code, string, detail} for a fault, else null
  std::string problem;  // not empty: no usable envelope (malformed XML, no Body)
  bool is_fault = false;
  std::string fault_string;
};
SoapResult read_soap_response(const WebResponse& response, bool is_private);

}  // namespace keyline::flow
