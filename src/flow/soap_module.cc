#include "flow/soap_module.h"

#include <algorithm>

#include "base/strings.h"
#include "flow/secure_wipe.h"
#include "flow/xml_value.h"

namespace keyline::flow {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::optional<std::string> check_envelope_template(std::string_view envelope) {
  // Placeholders stand for text: replace each with a letter so the XML can be checked.
  std::string probe;
  std::size_t pos = 0;
  while (pos < envelope.size()) {
    const auto open = envelope.find("{{", pos);
    const auto close = open == std::string_view::npos ? open : envelope.find("}}", open + 2);
    if (close == std::string_view::npos) {
      probe += envelope.substr(pos);
      break;
    }
    probe += envelope.substr(pos, open - pos);
    probe += 'x';
    pos = close + 2;
  }
  if (auto problem = xml_problem(probe)) return "not well-formed XML (" + *problem + ")";
  auto mapped = parse_xml_value(probe, false);
  if (!mapped || mapped->as_map().empty() || mapped->as_map().front().first != "Envelope")
    return std::string("the root element must be a SOAP Envelope");
  return std::nullopt;
}

Result<WebRequest> build_soap_request(const Module& module, const Variables& variables) {
  const auto& s = std::get<SoapSettings>(module.settings);
  bool used_private = module.is_private;
  WebRequest r;
  r.module = module.name;
  r.method = "POST";
  r.timeout = s.timeout;
  r.url = substitute(s.url, variables, &used_private);
  const std::function<std::string(std::string_view)> escape = xml_escape;
  r.body = substitute_encoded(s.envelope, variables, escape, &used_private);
  std::string action = substitute(s.action, variables, &used_private);
  // A value must not break out of the header or the quoted parameter.
  std::replace_if(
      action.begin(), action.end(), [](char c) { return c == '\r' || c == '\n' || c == '"'; }, ' ');
  if (s.version == SoapSettings::Version::k11) {
    r.headers.emplace_back("Content-Type", "text/xml; charset=utf-8");
    r.headers.emplace_back("SOAPAction", "\"" + action + "\"");
  } else {
    r.headers.emplace_back("Content-Type",
                           "application/soap+xml; charset=utf-8" +
                               (action.empty() ? "" : "; action=\"" + action + "\""));
  }
  secure_wipe(action);
  r.headers.emplace_back("Accept", "text/xml, application/soap+xml");
  for (const auto& [name, value] : s.headers) {
    std::string v = substitute(value, variables, &used_private);
    std::replace_if(
        v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    r.headers.emplace_back(name, std::move(v));
  }
  r.oauth2 = s.oauth2;
  r.carries_private = used_private;
  if (used_private && to_lower(std::string_view(r.url).substr(0, 8)) != "https://") {
    wipe(r);
    return make_error("soap", "a private value may only be sent over https");
  }
  return r;
}

SoapResult read_soap_response(const WebResponse& response, bool is_private) {
  SoapResult out;
  Value data;
  if (response.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    out.problem = "the response has no SOAP envelope (empty body)";
  } else if (auto reply = parse_soap_reply(response.body, is_private)) {
    data = std::move(reply->body);
    out.is_fault = reply->is_fault;
    out.fault_string = std::move(reply->fault_string);
    if (reply->is_fault) out.fault = std::move(reply->fault);
  } else {
    out.problem = "the response is not a SOAP envelope: " + reply.error().message;
  }
  Value::Map value;
  value.emplace_back("status", Value::number(response.status));
  value.emplace_back("data", std::move(data.taint(is_private)));
  out.value = Value::map(std::move(value), is_private);
  return out;
}

}  // namespace keyline::flow
