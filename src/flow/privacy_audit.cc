#include "flow/privacy_audit.h"

#include <map>
#include <optional>
#include <set>
#include <type_traits>

#include "flow/app_analysis.h"
#include "flow/variables.h"

namespace keyline::flow {
namespace {

// How a variable came to be private: the modules from the private source to the one that set it.
using Taint = std::map<std::string, std::vector<std::string>>;

// The variable a read names at its root: "order" for "order.items[0]". Shadow variables
// ("card$.length") hold only non-sensitive facts, so reads of them are not private.
std::optional<std::string> root_of(const std::string& use) {
  if (use.find('$') != std::string::npos) return std::nullopt;
  return use.substr(0, use.find_first_of(".["));
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

std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

class Auditor {
 public:
  explicit Auditor(const AppDocument& app) : taint_(compute_taint(app)) {}

  void module(const Module& m) {
    std::visit([&](const auto& s) { settings(m, s); }, m.settings);
  }

  std::vector<AuditFinding> take() { return std::move(findings_); }

 private:
  void add(AuditSeverity severity, const Module& m, SourcePos pos, const std::string& use,
           const std::vector<std::string>& from, std::string what) {
    AuditFinding f;
    f.severity = severity;
    f.pos = pos.line ? pos : m.pos;
    f.sink_module = m.name;
    f.variable = use;
    f.chain = from;
    if (f.chain.empty() || f.chain.back() != m.name) f.chain.push_back(m.name);
    f.message = "private value " + quoted(use) + " (from module " + quoted(from.front()) + ") " +
                std::move(what);
    findings_.push_back(std::move(f));
  }

  // Prompt texts: said aloud to the caller, which is often the point ("card ending 1234"), so
  // a warning; the interpreter marks the request private and the TTS cache never keeps it.
  void spoken(const Module& m, const std::string& text) {
    for (const auto& use : template_variables(text)) {
      if (const auto* from = tainted(taint_, use))
        add(AuditSeverity::kWarning, m, {}, use, *from,
            "is spoken by " + quoted(m.name) + " (synthesised uncached; the caller hears it)");
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
          add(AuditSeverity::kInfo, m, row.target.pos, use, *from,
              "is compared by " + quoted(m.name) + " (stays in the call)");
      }
    }
  }

  void settings(const Module& m, const SetVariableSettings& s) {
    if (m.is_private) return;  // everything it sets is private by declaration
    for (const auto& row : s.rows) {
      for (const auto& use : row.expression.variables_read()) {
        if (const auto* from = tainted(taint_, use)) {
          add(AuditSeverity::kWarning, m, row.pos, use, *from,
              "is copied into " + quoted(row.name) + " by non-private " + quoted(m.name) +
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
        add(AuditSeverity::kError, m, {}, use, *from,
            "is written to the call log by " + quoted(m.name) +
                " (it would read [private]; log a non-sensitive fact or mark the module "
                "private)");
    }
  }

  void settings(const Module& m, const DynamicMenuSettings& s) {
    prompts(m, s.common);
    if (const auto* from = tainted(taint_, s.options_variable))
      add(AuditSeverity::kWarning, m, {}, s.options_variable, *from,
          "gives the options spoken by " + quoted(m.name) + " (synthesised uncached)");
  }

  // A REST request carrying a private value: refused at run time over plain http (an error in
  // the app); over https it is the point of the module (a payment), noted for the auditor.
  void settings(const Module& m, const RestSettings& s) {
    const bool https = s.url.rfind("https://", 0) == 0;
    std::set<std::string> seen;
    for (const auto& text : rest_texts(s)) {
      for (const auto& use : template_variables(text)) {
        const auto* from = tainted(taint_, use);
        if (!from || !seen.insert(use).second) continue;
        if (https) {
          add(AuditSeverity::kInfo, m, {}, use, *from,
              "is sent over HTTPS by " + quoted(m.name) + " (to the web service only)");
        } else {
          add(AuditSeverity::kError, m, {}, use, *from,
              "is sent by " + quoted(m.name) +
                  " to a URL that is not https:// (refused when the call runs: use https)");
        }
      }
    }
  }

  void settings(const Module& m, const EvaluateJsSettings& s) {
    if (m.is_private) return;  // everything it sets is private by declaration
    for (const auto& use : js_reads(s)) {
      if (const auto* from = tainted(taint_, use)) {
        add(AuditSeverity::kWarning, m, {}, use, *from,
            "goes into the script of non-private " + quoted(m.name) +
                " (its results stay private by taint; mark the module private to say so)");
        break;
      }
    }
  }

  template <class S>
  void settings(const Module& m, const S& s) {
    if constexpr (requires { s.common; }) prompts(m, s.common);
  }

  Taint taint_;
  std::vector<AuditFinding> findings_;
};

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
  return auditor.take();
}

std::string format_finding(std::string_view file, const AuditFinding& f) {
  std::string out = std::string(file) + ":" + std::to_string(f.pos.line) + ":" +
                    std::to_string(f.pos.column) + ": " +
                    std::string(audit_severity_name(f.severity)) + ": " + f.message + " (path: ";
  for (std::size_t i = 0; i < f.chain.size(); ++i) {
    if (i) out += " -> ";
    out += f.chain[i];
  }
  return out + ")";
}

}  // namespace keyline::flow
