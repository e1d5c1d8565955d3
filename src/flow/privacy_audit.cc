#include "flow/privacy_audit.h"

#include <map>
#include <optional>
#include <set>
#include <type_traits>

#include "base/strings.h"
#include "flow/app_analysis.h"
#include "flow/app_egress.h"
#include "flow/post_call.h"
#include "flow/variables.h"

namespace keyline::flow {
namespace {

// How a variable came to be private: the modules from the private source to the one that set it.
using Taint = std::map<std::string, std::vector<std::string>>;

// The variable a read names at its root: "order" for "order.items[0]", "pay$.headers" for
// "pay$.headers.etag". Shadow variables hold only non-sensitive facts ("card$.length") and are
// never in the taint map — except a private REST module's "$.headers", which the runtime keeps
// private like its result.
std::optional<std::string> root_of(const std::string& use) {
  const auto dollar = use.find('$');
  if (dollar == std::string::npos) return use.substr(0, use.find_first_of(".["));
  if (use.compare(dollar, 2, "$.") != 0) return std::nullopt;
  return use.substr(0, use.find_first_of(".[", dollar + 2));
}

const std::vector<std::string>* tainted(const Taint& taint, const std::string& use) {
  const auto root = root_of(use);
  if (!root) return nullptr;
  const auto it = taint.find(*root);
  return it == taint.end() ? nullptr : &it->second;
}

// The variables an Evaluate JS module reads: its inputs and its arguments' variables.
std::vector<std::string> js_reads(const EvaluateJsSettings& js) {
  std::vector<std::string> out = js.inputs;
  for (const auto& argument : js.arguments) {
    for (auto& name : argument.variables_read()) out.push_back(std::move(name));
  }
  return out;
}

// Whatever private value goes into a script, everything that comes out is private (the
// runtime taints the same way). True when a name was added.
bool taint_js_results(const Module& m, const EvaluateJsSettings& js, Taint& taint) {
  std::optional<std::vector<std::string>> chain;
  for (const auto& use : js_reads(js)) {
    if (const auto* from = tainted(taint, use)) {
      chain = *from;
      break;
    }
  }
  if (!chain && m.is_private) chain = std::vector<std::string>{};
  if (!chain) return false;
  if (chain->empty() || chain->back() != m.name) chain->push_back(m.name);
  bool added = false;
  std::vector<std::string> results = js.outputs;
  results.push_back(m.name);
  for (const auto& name : results) {
    if (taint.count(name)) continue;
    taint[name] = *chain;
    added = true;
  }
  return added;
}

// Flow-insensitive on purpose: a value that is private on any path counts, so the audit
// over-reports rather than misses. Iterates until no Set Variable row adds a name.
Taint compute_taint(const AppDocument& app) {
  Taint taint;
  for (const auto& page : app.pages) {
    for (const auto& m : page.modules) {
      const bool sets_own =
          m.type() == ModuleType::kSetVariable || m.type() == ModuleType::kEvaluateJs;
      if (m.is_private && !sets_own) taint[m.name] = {m.name};
      if (m.is_private && m.type() == ModuleType::kRest) taint[m.name + "$.headers"] = {m.name};
      if (m.is_private && m.type() == ModuleType::kSoap) taint[m.name + "$.fault"] = {m.name};
    }
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (const auto& page : app.pages) {
      for (const auto& m : page.modules) {
        if (const auto* js = std::get_if<EvaluateJsSettings>(&m.settings)) {
          changed = taint_js_results(m, *js, taint) || changed;
          continue;
        }
        const auto* set = std::get_if<SetVariableSettings>(&m.settings);
        if (!set) continue;
        for (const auto& row : set->rows) {
          if (taint.count(row.name)) continue;
          std::optional<std::vector<std::string>> chain;
          if (m.is_private) chain = std::vector<std::string>{};
          for (const auto& use : row.expression.variables_read()) {
            if (const auto* from = tainted(taint, use)) {
              chain = *from;
              break;
            }
          }
          if (!chain) continue;
          // Rows of one module that feed each other name it once.
          if (chain->empty() || chain->back() != m.name) chain->push_back(m.name);
          taint[row.name] = std::move(*chain);
          changed = true;
        }
      }
    }
  }
  return taint;
}

class Auditor {
 public:
  explicit Auditor(const AppDocument& app) : app_(app.settings), taint_(compute_taint(app)) {}

  void module(const Module& m) {
    if (m.private_opt_out) opted_out(m);
    std::visit([&](const auto& s) { settings(m, s); }, m.settings);
  }

  std::vector<AuditFinding> take() { return std::move(findings_); }

 private:
  void add(AuditSeverity severity, std::string_view kind, const Module& m, SourcePos pos,
           const std::string& use, const std::vector<std::string>& from, std::string what) {
    AuditFinding f;
    f.severity = severity;
    f.kind = std::string(kind);
    f.pos = pos.line ? pos : m.pos;
    f.sink_module = m.name;
    f.variable = use;
    f.chain = from;
    if (f.chain.empty() || f.chain.back() != m.name) f.chain.push_back(m.name);
    f.message = "private value " + single_quoted(use) + " (from module " +
                single_quoted(from.front()) + ") " + std::move(what);
    findings_.push_back(std::move(f));
  }

  // A finding about the module itself, not about a private value it reads.
  void note(AuditSeverity severity, std::string_view kind, const Module& m, std::string message) {
    AuditFinding f;
    f.severity = severity;
    f.kind = std::string(kind);
    f.pos = m.pos;
    f.sink_module = m.name;
    f.chain = {m.name};
    f.message = std::move(message);
    findings_.push_back(std::move(f));
  }

  // "private": false in a secure app. For an input module the caller's entry is then written to
  // the call log as it is: an error until the builder acknowledges it.
  void opted_out(const Module& m) {
    if (m.is_input()) {
      note(AuditSeverity::kError, "not_private", m,
           "input module " + single_quoted(m.name) +
               " says \"private\": false in a secure app (what the caller enters is written to "
               "the call log)");
    } else {
      note(AuditSeverity::kWarning, "not_private", m,
           "module " + single_quoted(m.name) +
               " says \"private\": false in a secure app (its result is not private)");
    }
  }

  // Prompt texts: said aloud to the caller, which is often the point ("card ending 1234"), so
  // a warning; the interpreter marks the request private and the TTS cache never keeps it.
  void spoken(const Module& m, const std::string& text) {
    for (const auto& use : template_variables(text)) {
      if (const auto* from = tainted(taint_, use))
        add(AuditSeverity::kWarning, "spoken", m, {}, use, *from,
            "is spoken by " + single_quoted(m.name) +
                " (synthesised uncached; the caller hears it)");
    }
  }

  void settings(const Module& m, const PromptSettings& s) { spoken(m, s.text); }
  void settings(const Module& m, const MenuSettings& s) { prompts(m, s); }
  void settings(const Module& m, const DigitsSettings& s) { prompts(m, s); }
  template <class S>
  void prompts(const Module& m, const S& s) {
    spoken(m, s.prompt);
    spoken(m, s.noinput_prompt);
    spoken(m, s.nomatch_prompt);
  }

  void settings(const Module& m, const CompareSettings& s) {
    for (const auto& row : s.rows) {
      std::vector<std::string> uses = template_variables(row.expression);
      if (!row.variable.empty()) uses.push_back(row.variable);
      for (auto& u : template_variables(row.value)) uses.push_back(std::move(u));
      for (const auto& use : uses) {
        if (const auto* from = tainted(taint_, use))
          add(AuditSeverity::kInfo, "compare", m, row.target.pos, use, *from,
              "is compared by " + single_quoted(m.name) + " (stays in the call)");
      }
    }
  }

  void settings(const Module& m, const SetVariableSettings& s) {
    if (m.is_private) return;  // everything it sets is private by declaration
    for (const auto& row : s.rows) {
      for (const auto& use : row.expression.variables_read()) {
        if (const auto* from = tainted(taint_, use)) {
          add(AuditSeverity::kWarning, "copy", m, row.pos, use, *from,
              "is copied into " + single_quoted(row.name) + " by non-private " +
                  single_quoted(m.name) +
                  " (the copy stays private by taint; mark the module private to say so)");
          break;
        }
      }
    }
  }

  // A Call Log line is persisted with the call. The runtime writes [private] in the value's
  // place, so the line the builder meant to keep never exists: an error in the app's design.
  void settings(const Module& m, const CallLogSettings& s) {
    if (m.is_private) return;  // the whole line is [private] by declaration
    for (const auto& use : template_variables(s.text)) {
      if (const auto* from = tainted(taint_, use))
        add(AuditSeverity::kError, "call_log", m, {}, use, *from,
            "is written to the call log by " + single_quoted(m.name) +
                " (it would read [private]; log a non-sensitive fact or mark the module "
                "private)");
    }
  }

  void settings(const Module& m, const DynamicMenuSettings& s) {
    prompts(m, s.common);
    if (const auto* from = tainted(taint_, s.options_variable))
      add(AuditSeverity::kWarning, "spoken", m, {}, s.options_variable, *from,
          "gives the options spoken by " + single_quoted(m.name) + " (synthesised uncached)");
  }

  // A REST request carrying a private value: refused at run time over plain http (an error in
  // the app); over https it is the point of the module (a payment), noted for the auditor.
  void settings(const Module& m, const RestSettings& s) { web_service(m, s.url, rest_texts(s)); }
  void settings(const Module& m, const SoapSettings& s) {
    // A WSDL URL's endpoint is known only when the call runs (a private value then goes over
    // https or not at all): the WSDL's own https URL stands for it here.
    web_service(m, s.url.empty() ? s.wsdl_url : s.url, service_texts(m));
  }

  // Email and SMS are not secure channels: a private value in any of their texts is refused
  // when the call runs, so it is an error here, one no acknowledgement can accept.
  void message(const Module& m) {
    std::set<std::string> seen;
    const std::string channel = m.type() == ModuleType::kEmail ? "email" : "SMS";
    for (const auto& text : service_texts(m)) {
      for (const auto& use : template_variables(text)) {
        const auto* from = tainted(taint_, use);
        if (!from || !seen.insert(use).second) continue;
        add(AuditSeverity::kError, "message", m, {}, use, *from,
            "would be sent by " + channel + " by " + single_quoted(m.name) + " (" + channel +
                " is not a secure channel: refused when the call runs)");
      }
    }
  }
  void settings(const Module& m, const EmailSettings&) { message(m); }
  void settings(const Module& m, const SmsSettings&) { message(m); }

  void web_service(const Module& m, const std::string& url, const std::vector<std::string>& texts) {
    const std::string module_kind(module_type_name(m.type()));
    // A host the app's egress list leaves out is refused when the call runs. A host written as
    // a placeholder is known only then.
    const std::string host = url_host(url);
    if (app_.egress && !host.empty() && host.find("{{") == std::string::npos) {
      bool listed = false;
      for (const auto& entry : *app_.egress) listed = listed || egress_entry_matches(entry, host);
      if (!listed)
        note(AuditSeverity::kError, "egress", m,
             module_kind + " module " + single_quoted(m.name) + " calls host " +
                 single_quoted(host) +
                 ", which is not on the app's egress list (refused when the call runs)");
    }
    const bool https = url.rfind("https://", 0) == 0;
    std::set<std::string> seen;
    for (const auto& text : texts) {
      for (const auto& use : template_variables(text)) {
        const auto* from = tainted(taint_, use);
        if (!from || !seen.insert(use).second) continue;
        if (https) {
          add(AuditSeverity::kInfo, "rest_https", m, {}, use, *from,
              "is sent over HTTPS by " + single_quoted(m.name) + " (to the web service only)");
        } else {
          add(AuditSeverity::kError, "rest_http", m, {}, use, *from,
              "is sent by " + single_quoted(m.name) +
                  " to a URL that is not https:// (refused when the call runs: use https)");
        }
      }
    }
  }

  void settings(const Module& m, const EvaluateJsSettings& s) {
    if (m.is_private) return;  // everything it sets is private by declaration
    for (const auto& use : js_reads(s)) {
      if (const auto* from = tainted(taint_, use)) {
        add(AuditSeverity::kWarning, "js", m, {}, use, *from,
            "goes into the script of non-private " + single_quoted(m.name) +
                " (its results stay private by taint; mark the module private to say so)");
        break;
      }
    }
  }

  // A Transfer's target, caller id, headers and keys go out in SIP signalling, to the
  // carrier and the far end: a private value there is refused (kind "transfer"; the validator
  // reports it as an error in every app, and it cannot be acknowledged).
  void settings(const Module& m, const TransferSettings& s) {
    spoken(m, s.prompt);
    std::vector<std::string> texts{s.target, s.caller_id, s.dtmf};
    for (const auto& [name, value] : s.headers) texts.push_back(value);
    std::set<std::string> seen;
    for (const auto& text : texts) {
      for (const auto& use : template_variables(text)) {
        const auto* from = tainted(taint_, use);
        if (!from || !seen.insert(use).second) continue;
        add(AuditSeverity::kError, "transfer", m, s.target_pos, use, *from,
            "would be sent in the SIP signalling of transfer " + single_quoted(m.name) +
                " (target, caller id and headers may not carry private values)");
      }
    }
  }

  // Subdialog: its variables_in go to the web service: in the JSON body (POST, like a REST
  // module's) or in the URL's query (GET: refused when the call runs for a private value).
  void settings(const Module& m, const SubdialogSettings& s) {
    std::vector<std::string> texts{s.url};
    for (const auto& [name, value] : s.headers) texts.push_back(value);
    if (s.method == SubdialogSettings::Method::kPost) {
      for (const auto& [name, expression] : s.variables_in)
        for (const auto& read : expression.variables_read()) texts.push_back("{{" + read + "}}");
      web_service(m, s.url, texts);
      return;
    }
    web_service(m, s.url, texts);
    std::set<std::string> seen;
    for (const auto& [name, expression] : s.variables_in) {
      for (const auto& use : expression.variables_read()) {
        const auto* from = tainted(taint_, use);
        if (!from || !seen.insert(use).second) continue;
        add(app_.secure ? AuditSeverity::kError : AuditSeverity::kWarning, "rest_http", m, {}, use,
            *from,
            "is sent by subdialog " + single_quoted(m.name) +
                " with GET, in the URL (refused when the call runs: use POST)");
      }
    }
  }

  // The post-call web service (settings.post_call): a web-service sink like a REST module's,
  // its findings named after the "post_call" pseudo-module.
 public:
  void post_call(const PostCallSettings& p) {
    const Module& m = p.request;
    if (const auto* rest = std::get_if<RestSettings>(&m.settings)) {
      std::vector<std::string> texts = rest_texts(*rest);
      for (const auto& [name, value] : p.params) texts.push_back(value);
      web_service(m, rest->url, texts);
    } else if (const auto* soap = std::get_if<SoapSettings>(&m.settings)) {
      web_service(m, soap->url.empty() ? soap->wsdl_url : soap->url, service_texts(m));
    }
  }

 private:
  template <class S>
  void settings(const Module& m, const S& s) {
    if constexpr (requires { s.common; }) prompts(m, s.common);
  }

  const AppSettings& app_;
  Taint taint_;
  std::vector<AuditFinding> findings_;
};

// Marks the findings the app acknowledges; reports each acknowledgement that matched nothing.
void acknowledge(const AppSettings& settings, std::vector<AuditFinding>& findings) {
  for (const auto& ack : settings.audit_acknowledged) {
    bool used = false;
    for (auto& f : findings) {
      if (f.sink_module != ack.module || f.kind != ack.kind) continue;
      f.acknowledged = true;
      used = true;
    }
    if (used) continue;
    AuditFinding f;
    f.severity = AuditSeverity::kWarning;
    f.kind = "acknowledgement";
    f.pos = ack.pos;
    f.sink_module = ack.module;
    f.chain = {ack.module};
    f.message = "'audit_acknowledged' entry " + single_quoted(ack.module + ": " + ack.kind) +
                " matches no finding (remove it)";
    findings.push_back(std::move(f));
  }
}

}  // namespace

std::string_view audit_severity_name(AuditSeverity severity) {
  switch (severity) {
    case AuditSeverity::kInfo:
      return "info";
    case AuditSeverity::kWarning:
      return "warning";
    case AuditSeverity::kError:
      return "error";
  }
  return "info";
}

std::vector<AuditFinding> audit_app(const AppDocument& app) {
  Auditor auditor(app);
  for (const auto& page : app.pages) {
    for (const auto& m : page.modules) auditor.module(m);
  }
  if (app.settings.post_call) auditor.post_call(*app.settings.post_call);
  auto findings = auditor.take();
  acknowledge(app.settings, findings);
  return findings;
}

const std::vector<std::string_view>& audit_finding_kinds() {
  static const std::vector<std::string_view> kKinds = {"call_log",   "spoken",  "copy",
                                                       "js",         "compare", "rest_http",
                                                       "rest_https", "egress",  "not_private"};
  return kKinds;
}

bool is_audit_finding_kind(std::string_view kind) {
  for (auto k : audit_finding_kinds()) {
    if (k == kind) return true;
  }
  return false;
}

bool audit_blocks(const std::vector<AuditFinding>& findings) {
  for (const auto& f : findings) {
    if (f.severity == AuditSeverity::kError && !f.acknowledged) return true;
  }
  return false;
}

std::string format_finding(std::string_view file, const AuditFinding& f) {
  std::string out = std::string(file) + ":" + std::to_string(f.pos.line) + ":" +
                    std::to_string(f.pos.column) + ": " +
                    std::string(audit_severity_name(f.severity)) +
                    (f.acknowledged ? " (acknowledged)" : "") + ": " + f.message + " (path: ";
  for (std::size_t i = 0; i < f.chain.size(); ++i) {
    if (i) out += " -> ";
    out += f.chain[i];
  }
  out += ")";
  // The key an "audit_acknowledged" entry uses to accept this finding.
  if (is_audit_finding_kind(f.kind)) out += " [" + f.sink_module + ": " + f.kind + "]";
  return out;
}

}  // namespace keyline::flow
