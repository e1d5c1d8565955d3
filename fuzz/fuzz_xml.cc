// libFuzzer target: XML web-service answers (REST return_type xml, SOAP envelopes). Nothing may
// crash or recurse without bound; a mapped value must render to JSON.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flow/soap_module.h"
#include "flow/xml_value.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto v = keyline::flow::parse_xml_value(text, false)) (void)v->to_json();
  if (auto reply = keyline::flow::parse_soap_reply(text, true)) (void)reply->body.to_json();
  (void)keyline::flow::xml_problem(text);
  (void)keyline::flow::check_envelope_template(text);
  return 0;
}
