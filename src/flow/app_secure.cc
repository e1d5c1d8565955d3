// Secure apps (docs/apps.md, "Secure apps"): the settings that make one, the checks a secure
// document must pass when it is read, and the variant a secure deployment runs.
#include "base/strings.h"
#include "flow/app_egress.h"
#include "flow/app_module_readers.h"
#include "flow/privacy_audit.h"

namespace keyline::flow {

bool private_in_secure_app(ModuleType type) {
  switch (type) {
    case ModuleType::kMenu:
    case ModuleType::kDigits:
    case ModuleType::kNumber:
    case ModuleType::kYesNo:
    case ModuleType::kDateTime:
    case ModuleType::kCustomField:
    case ModuleType::kDynamicMenu:
    case ModuleType::kLanguage:
    case ModuleType::kSetVariable:
    case ModuleType::kCallLog:
    case ModuleType::kRest:
    case ModuleType::kEvaluateJs:
    case ModuleType::kSoap:
    case ModuleType::kSubdialog:
    // A name or street address is PHI (a HIPAA identifier): private in a secure app, which
    // then recognizes it and keeps no recording (docs/apps.md, Name and Address).
    case ModuleType::kName:
    case ModuleType::kAddress:
    case ModuleType::kAssistant:
      return true;
    default:
      return false;
  }
}

AppDocument as_secure_deployment(const AppDocument& app) {
  AppDocument out = app;
  out.settings.secure = true;
  for (auto& page : out.pages) {
    for (auto& m : page.modules) {
      // A secure deployment overrides even an explicit "private": false: its call logs keep no
      // value a caller entered, whatever the app's author chose.
      if (private_in_secure_app(m.type())) m.is_private = true;
    }
  }
  return out;
}

void read_secure_settings(ValueReader& r, ObjectReader& obj, AppSettings& settings) {
  if (auto n = obj.get("secure")) r.read_bool(*n, "secure", settings.secure);
  if (auto n = obj.get("egress")) {
    settings.egress_pos = pos_of(*n);
    std::vector<std::string> hosts;
    if (!n->IsSequence()) {
      r.diagnostics().add(pos_of(*n),
                          "'egress' must be a list of host names [\"api.example.com\"]");
    } else {
      for (const auto& item : *n) {
        std::string host;
        if (!r.read_string(item, "egress", host)) continue;
        for (auto& problem : check_egress_entries({host}))
          r.diagnostics().add(pos_of(item), problem);
        hosts.push_back(std::move(host));
      }
    }
    settings.egress = std::move(hosts);
  }
  if (auto n = obj.get("audit_acknowledged")) {
    if (!n->IsSequence()) {
      r.diagnostics().add(pos_of(*n),
                          "'audit_acknowledged' must be a list of \"module: kind\" strings");
      return;
    }
    for (const auto& item : *n) {
      std::string text;
      if (!r.read_string(item, "audit_acknowledged", text)) continue;
      const auto colon = text.find(':');
      AuditAcknowledgement ack;
      ack.pos = pos_of(item);
      if (colon != std::string::npos) {
        ack.module = std::string(trim(std::string_view(text).substr(0, colon)));
        ack.kind = std::string(trim(std::string_view(text).substr(colon + 1)));
      }
      if (ack.module.empty() || ack.kind.empty()) {
        r.diagnostics().add(ack.pos, "'audit_acknowledged' entry " + single_quoted(text) +
                                         " must be \"module: kind\" (e.g. \"log: call_log\")");
        continue;
      }
      if (!is_audit_finding_kind(ack.kind)) {
        std::string kinds;
        for (auto k : audit_finding_kinds()) kinds += (kinds.empty() ? "" : ", ") + std::string(k);
        r.diagnostics().add(ack.pos, "'audit_acknowledged': unknown finding kind " +
                                         single_quoted(ack.kind) + " (kinds: " + kinds + ")");
        continue;
      }
      settings.audit_acknowledged.push_back(std::move(ack));
    }
  }
}

void check_secure_app(const AppDocument& app, AppDiagnostics& diagnostics) {
  for (const auto& ack : app.settings.audit_acknowledged) {
    bool found = false;
    for (const auto& page : app.pages) {
      for (const auto& m : page.modules) found = found || m.name == ack.module;
    }
    if (!found)
      diagnostics.add(ack.pos, "'audit_acknowledged' names " + single_quoted(ack.module) +
                                   ", which is not a module of this app");
  }
  if (!app.settings.secure) return;
  for (const auto& page : app.pages) {
    for (const auto& m : page.modules) {
      const auto* rest = std::get_if<RestSettings>(&m.settings);
      // A URL that starts with a placeholder is checked when the call runs.
      if (rest && rest->url.rfind("{{", 0) != 0 && rest->url.rfind("https://", 0) != 0)
        diagnostics.add(m.pos, "rest module " + single_quoted(m.name) +
                                   ": a secure app calls web services over https:// only");
      const auto* soap = std::get_if<SoapSettings>(&m.settings);
      // A WSDL URL's endpoint is known when the call runs, where a secure app sends https only.
      const bool from_wsdl = soap && soap->url.empty() && !soap->wsdl_url.empty();
      if (soap && !from_wsdl && soap->url.rfind("{{", 0) != 0 &&
          soap->url.rfind("https://", 0) != 0)
        diagnostics.add(m.pos, "soap module " + single_quoted(m.name) +
                                   ": a secure app calls web services over https:// only");
      // Email and SMS are not secure channels: a secure app has none (issue 7).
      if (m.type() == ModuleType::kEmail || m.type() == ModuleType::kSms)
        diagnostics.add(m.pos, std::string(module_type_name(m.type())) + " module " +
                                   single_quoted(m.name) +
                                   ": a secure app cannot send email or SMS (not a secure "
                                   "channel); send from a non-secure app");
    }
  }
}

}  // namespace keyline::flow
