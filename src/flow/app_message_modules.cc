// Readers for the Email, SMS and SOAP modules' settings (docs/apps.md, "Email", "SMS",
// "SOAP"). Literal recipients are checked here; those built from {{placeholders}} when the
// call runs.
#include "flow/app_module_readers.h"
#include "flow/message_module.h"
#include "flow/soap_module.h"

namespace keyline::flow {
namespace {

bool has_placeholder(std::string_view text) { return text.find("{{") != std::string_view::npos; }

// "to" / "cc": one address or a list of them.
void read_addresses(ValueReader& r, const YAML::Node& n, std::string_view key,
                    std::vector<std::string>& out) {
  auto one = [&](const YAML::Node& item) {
    std::string address;
    if (!r.read_text(item, key, address)) return;
    if (!has_placeholder(address) && !is_email_address(address)) {
      r.diagnostics().add(pos_of(item), single_quoted(key) + ": " + single_quoted(address) +
                                            " is not an email address (name@example.com)");
      return;
    }
    out.push_back(std::move(address));
  };
  if (n.IsSequence()) {
    for (const auto& item : n) one(item);
    if (n.size() > kMaxEmailRecipients)
      r.diagnostics().add(pos_of(n), single_quoted(key) + " may list at most " +
                                         std::to_string(kMaxEmailRecipients) + " addresses");
  } else {
    one(n);
  }
}

}  // namespace

EmailSettings read_email(ValueReader& r, ObjectReader& obj) {
  EmailSettings out;
  if (auto n = obj.required("to")) read_addresses(r, *n, "to", out.to);
  if (auto n = obj.get("cc")) read_addresses(r, *n, "cc", out.cc);
  if (auto n = obj.required("subject")) r.read_text(*n, "subject", out.subject);
  if (auto n = obj.required("body")) r.read_text(*n, "body", out.body);
  if (out.body.size() > kMaxMessageBody)
    r.diagnostics().add(obj.pos(),
                        "'body' is longer than " + std::to_string(kMaxMessageBody) + " characters");
  return out;
}

SmsSettings read_sms(ValueReader& r, ObjectReader& obj) {
  SmsSettings out;
  if (auto n = obj.required("to")) {
    if (r.read_text(*n, "to", out.to) && !has_placeholder(out.to) && !is_e164_number(out.to))
      r.diagnostics().add(pos_of(*n), "'to' must be an E.164 number (+14155550123)");
  }
  if (auto n = obj.required("text")) {
    if (r.read_text(*n, "text", out.text) && out.text.size() > kMaxSmsText)
      r.diagnostics().add(pos_of(*n),
                          "'text' is longer than " + std::to_string(kMaxSmsText) + " characters");
  }
  return out;
}

SoapSettings read_soap(ValueReader& r, ObjectReader& obj) {
  SoapSettings out;
  // With a WSDL, the endpoint, action and envelope come from it ('url' may still override the
  // WSDL's address): read_soap_wsdl below.
  const auto wsdl = obj.get("wsdl");
  if (auto n = wsdl ? obj.get("url") : obj.required("url")) {
    if (r.read_text(*n, "url", out.url)) {
      const bool http = out.url.rfind("https://", 0) == 0 || out.url.rfind("http://", 0) == 0;
      if (!http && out.url.rfind("{{", 0) != 0)
        r.diagnostics().add(pos_of(*n), "'url' must start with https:// (or http://)");
    }
  }
  if (wsdl) {
    for (const char* key : {"soap_action", "envelope"})
      if (auto n = obj.get(key))
        r.diagnostics().add(pos_of(*n), single_quoted(key) + " comes from the WSDL: leave it out");
  } else {
    if (auto n = obj.get("soap_action")) r.read_text(*n, "soap_action", out.action);
    if (auto n = obj.required("envelope")) {
      if (r.read_text(*n, "envelope", out.envelope)) {
        if (auto problem = check_envelope_template(out.envelope))
          r.diagnostics().add(pos_of(*n), "'envelope': " + *problem);
      }
    }
    for (const char* key : {"operation", "parameters"})
      if (auto n = obj.get(key))
        r.diagnostics().add(pos_of(*n), single_quoted(key) + " needs 'wsdl'");
  }
  if (auto n = obj.get("version")) {
    std::string v;
    if (r.read_string(*n, "version", v)) {
      if (v == "1.1") {
        out.version = SoapSettings::Version::k11;
      } else if (v == "1.2") {
        out.version = SoapSettings::Version::k12;
      } else {
        r.diagnostics().add(pos_of(*n), "'version' must be \"1.1\" or \"1.2\"");
      }
    }
  }
  if (auto n = obj.get("headers")) read_header_pairs(r, *n, "headers", out.headers);
  if (auto n = obj.get("timeout_ms")) r.read_ms(*n, "timeout_ms", 100, 120000, out.timeout);
  if (wsdl) read_soap_wsdl(r, obj, *wsdl, obj.get("version").has_value(), out);
  if (auto n = obj.get("auth")) {
    ObjectReader auth(*n, "'auth' of a soap module", r.diagnostics());
    if (auth.is_object()) {
      std::string type;
      if (auto t = auth.required("type")) r.read_string(*t, "type", type);
      if (type == "oauth2") {
        out.oauth2 = read_oauth2(r, auth);
      } else {
        r.diagnostics().add(auth.pos(), "'auth' of a soap module must be of type \"oauth2\"");
      }
      auth.finish();
    }
  }
  return out;
}

void read_service_module(ValueReader& r, ObjectReader& obj, ModuleType type, Module& module) {
  if (type == ModuleType::kSoap) {
    module.settings = read_soap(r, obj);
    return;
  }
  const bool email = type == ModuleType::kEmail;
  if (email) {
    module.settings = read_email(r, obj);
  } else {
    module.settings = read_sms(r, obj);
  }
  // Neither channel is secure: a private module would have nothing it could send.
  if (module.is_private)
    r.diagnostics().add(module.pos, std::string(email ? "an email" : "an sms") +
                                        " module cannot be private: " + (email ? "email" : "SMS") +
                                        " is not a secure channel for private values");
}

}  // namespace keyline::flow
