// The successors of each module: which exits lead where, and what each exit has set. The
// rules mirror Interpreter (an unwired success/next exit falls through to the next module; an
// unwired noinput/nomatch/error exit ends the call).
#include "flow/app_analysis.h"

namespace keyline::flow {
namespace {

// Exits that fall through to the next module when they are not wired.
std::vector<std::string> falling_exits(const Module& m) {
  switch (m.type()) {
    case ModuleType::kPrompt:
    case ModuleType::kCompareVariable:
    case ModuleType::kSetVariable:
    case ModuleType::kCallLog:
    case ModuleType::kLabel:
      return {"next"};
    case ModuleType::kCounter:
      return {"under_limit", "limit_reached"};
    case ModuleType::kRecord:
    case ModuleType::kName:
    case ModuleType::kAddress:
    case ModuleType::kEmail:
    case ModuleType::kSms:
    case ModuleType::kGoToApp:
    case ModuleType::kSubdialog:
    case ModuleType::kAssistant:
      return {"done"};
    case ModuleType::kCallRecording:  // a recording that fails does not stop the call
      return {"done", "error"};
    case ModuleType::kTransfer:  // a bridged call that ends comes back to the flow
      if (std::get<TransferSettings>(m.settings).mode == TransferMode::kBridged)
        return {"far_end_disconnect", "maxtime_disconnect"};
      return {};
    case ModuleType::kDigits:
    case ModuleType::kNumber:
    case ModuleType::kDateTime:
    case ModuleType::kCustomField:
    case ModuleType::kDynamicMenu:
    case ModuleType::kLanguage:
    case ModuleType::kYesNo:
    case ModuleType::kRest:
    case ModuleType::kEvaluateJs:
    case ModuleType::kSoap:
      return {"success"};
    default:
      return {};
  }
}

// What taking `exit` from `m` has set.
std::vector<std::string> sets_on(const Module& m, const std::string& exit) {
  const std::string shadow = m.name + "$";
  if (m.type() == ModuleType::kCounter) return {m.name};
  if (m.type() == ModuleType::kSetVariable) {
    if (exit == "error") return {shadow};
    std::vector<std::string> out;
    for (const auto& row : std::get<SetVariableSettings>(m.settings).rows) out.push_back(row.name);
    return out;
  }
  if (m.type() == ModuleType::kRest) return {m.name, shadow};  // every exit sets both
  if (m.type() == ModuleType::kSoap || m.type() == ModuleType::kEmail ||
      m.type() == ModuleType::kSms)
    return {m.name, shadow};
  if (m.type() == ModuleType::kRecord) {
    if (exit == "done") return {m.name, shadow};
    return {shadow};
  }
  if (m.type() == ModuleType::kTransfer) return {m.name, shadow};  // every exit sets both
  if (m.type() == ModuleType::kAssistant) return {m.name, shadow};
  if (m.voice_answer()) {  // Name / Address: every exit but error sets the (maybe empty) answer
    if (exit == "error") return {shadow};
    return {m.name, shadow};
  }
  if (const auto* go = std::get_if<GoToAppSettings>(&m.settings)) {
    if (exit != "done") return {shadow};
    std::vector<std::string> out{shadow};
    for (const auto& name : go->variables_out) out.push_back(m.name + "." + name);
    return out;
  }
  if (const auto* sub = std::get_if<SubdialogSettings>(&m.settings)) {
    if (exit != "done") return {shadow};
    std::vector<std::string> out{shadow};
    for (const auto& name : sub->variables_out) out.push_back(m.name + "." + name);
    return out;
  }
  if (const auto* js = std::get_if<EvaluateJsSettings>(&m.settings)) {
    if (exit == "error") return {shadow};
    std::vector<std::string> out = js->outputs;
    out.push_back(m.name);
    return out;
  }
  if (!m.is_input()) return {};
  if (exit == "noinput" || exit == "nomatch" || exit == "error") return {shadow};
  return {m.name, shadow};
}

}  // namespace

std::vector<std::string> rest_texts(const RestSettings& s) {
  std::vector<std::string> out{s.url, s.body, s.auth_user, s.auth_password, s.auth_token};
  for (const auto& [name, value] : s.headers) out.push_back(value);
  for (const auto& [name, value] : s.form) out.push_back(value);
  return out;
}

std::vector<std::string> service_texts(const Module& m) {
  std::vector<std::string> out;
  if (const auto* e = std::get_if<EmailSettings>(&m.settings)) {
    out = e->to;
    out.insert(out.end(), e->cc.begin(), e->cc.end());
    out.push_back(e->subject);
    out.push_back(e->body);
  } else if (const auto* sms = std::get_if<SmsSettings>(&m.settings)) {
    out = {sms->to, sms->text};
  } else if (const auto* soap = std::get_if<SoapSettings>(&m.settings)) {
    out = {soap->url, soap->action, soap->envelope};
    for (const auto& [name, value] : soap->headers) out.push_back(value);
    // A WSDL fetched by the call: the envelope is made then, from these.
    if (!soap->wsdl_url.empty())
      for (const auto& [name, value] : soap->parameters) out.push_back(value);
  }
  return out;
}

std::vector<FlowEdge> flow_edges(const AppDocument& app, const Page& page, std::size_t index) {
  const Module& m = page.modules[index];
  std::vector<FlowEdge> out;
  auto add = [&](std::string label, const Target& target, std::vector<std::string> sets) {
    const Page* p = app.find_page(target.page);
    if (!p) return;
    for (const auto& candidate : p->modules) {
      if (candidate.name == target.module) {
        out.push_back(FlowEdge{std::move(label), p, &candidate, std::move(sets)});
        return;
      }
    }
  };
  for (const auto& [exit, target] : m.exits) add(exit, target, sets_on(m, exit));
  if (const auto* menu = std::get_if<MenuSettings>(&m.settings)) {
    for (const auto& option : menu->options)
      add(std::string(1, option.key), option.target, sets_on(m, "success"));
  } else if (const auto* compare = std::get_if<CompareSettings>(&m.settings)) {
    for (std::size_t i = 0; i < compare->rows.size(); ++i)
      add("row " + std::to_string(i + 1), compare->rows[i].target, {});
  } else if (const auto* go = std::get_if<GoToPageSettings>(&m.settings)) {
    add("goto", go->target, {});
  }
  // Global error handling: an input module's unwired noinput/nomatch leads to the policy's
  // target (docs/apps.md, "Global error handling").
  const ErrorPolicy& policy = app.settings.errors;
  if (m.is_input() && policy.given && policy.action != ErrorPolicy::Action::kHangup) {
    for (const char* exit : {"noinput", "nomatch"}) {
      if (m.exits.count(exit)) continue;
      add("errors", Target{policy.target_page, policy.target_module, policy.target_pos},
          sets_on(m, exit));
      break;  // both set the same
    }
  }
  if (index + 1 < page.modules.size()) {
    for (const auto& exit : falling_exits(m)) {
      if (m.exits.count(exit)) continue;
      out.push_back(FlowEdge{"fall through", &page, &page.modules[index + 1], sets_on(m, exit)});
      break;  // one edge is enough, whichever unwired exit takes it
    }
  }
  return out;
}

}  // namespace keyline::flow
