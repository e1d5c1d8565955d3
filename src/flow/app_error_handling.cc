// Readers and checks for global error handling ("settings.errors") and the confirmation step of
// input modules ("confirm"); docs/apps.md, "Global error handling" and "Confirming an entry".
#include "flow/app_module_readers.h"

namespace keyline::flow {
namespace {

constexpr std::string_view kDefaultConfirmPrompt =
    "You entered {value}. Press 1 if that is right, or 2 to enter it again.";

bool says_value(std::string_view prompt) { return prompt.find("{value}") != std::string::npos; }

}  // namespace

void read_error_policy(ValueReader& r, const YAML::Node& node, ErrorPolicy& policy) {
  ObjectReader obj(node, "settings.errors", r.diagnostics());
  if (!obj.is_object()) return;
  policy.given = true;
  policy.pos = obj.pos();
  if (auto n = obj.required("action")) {
    std::string action;
    if (r.read_string(*n, "action", action)) {
      if (action == "hangup") {
        policy.action = ErrorPolicy::Action::kHangup;
      } else if (action == "goto") {
        policy.action = ErrorPolicy::Action::kGoto;
      } else if (action == "transfer") {
        policy.action = ErrorPolicy::Action::kTransfer;
      } else {
        r.diagnostics().add(
            pos_of(*n),
            "'action' must be \"hangup\", \"goto\" or \"transfer\", not " + single_quoted(action));
      }
    }
  }
  if (auto n = obj.get("prompt")) r.read_text(*n, "prompt", policy.prompt);
  auto target = obj.get("target");
  if (target) {
    policy.target_pos = pos_of(*target);
    // A module name alone is enough: module names are unique in the app, so its page is
    // found after all pages are read (check_error_policy).
    if (is_json_string(*target)) {
      policy.target_module = target->Scalar();
    } else {
      ObjectReader t(*target, "'target' of settings.errors", r.diagnostics());
      if (t.is_object()) {
        if (auto p = t.required("page")) r.read_string(*p, "page", policy.target_page);
        if (auto m = t.get("module")) r.read_string(*m, "module", policy.target_module);
        t.finish();
      }
    }
  }
  obj.finish();
  const bool needs_target = policy.action != ErrorPolicy::Action::kHangup;
  if (needs_target && !target)
    r.diagnostics().add(policy.pos,
                        "settings.errors: a \"goto\" or \"transfer\" action needs a "
                        "'target'");
  if (!needs_target && target)
    r.diagnostics().add(policy.target_pos,
                        "settings.errors: a \"hangup\" action takes no 'target'");
  if (policy.action == ErrorPolicy::Action::kTransfer && target && !is_json_string(*target))
    r.diagnostics().add(policy.target_pos,
                        "settings.errors: the 'target' of a \"transfer\" action is the name of "
                        "the module that transfers the call");
}

void check_error_policy(AppDocument& app, AppDiagnostics& diagnostics) {
  ErrorPolicy& policy = app.settings.errors;
  if (!policy.given || policy.action == ErrorPolicy::Action::kHangup) return;
  if (policy.target_page.empty() && policy.target_module.empty()) return;  // already reported
  if (!policy.target_page.empty()) {
    const Page* page = app.find_page(policy.target_page);
    if (!page) {
      diagnostics.add(policy.target_pos,
                      "settings.errors: there is no page " + single_quoted(policy.target_page));
      return;
    }
    if (policy.target_module.empty()) {
      if (!page->modules.empty()) policy.target_module = page->modules.front().name;
      return;
    }
    for (const auto& m : page->modules) {
      if (m.name == policy.target_module) return;
    }
    diagnostics.add(policy.target_pos, "settings.errors: there is no module " +
                                           single_quoted(policy.target_module) + " on page " +
                                           single_quoted(policy.target_page));
    return;
  }
  for (const auto& page : app.pages) {
    for (const auto& m : page.modules) {
      if (m.name != policy.target_module) continue;
      policy.target_page = page.name;
      return;
    }
  }
  diagnostics.add(policy.target_pos,
                  "settings.errors: there is no module " + single_quoted(policy.target_module));
}

void read_confirm(ValueReader& r, const YAML::Node& node, Module& module) {
  ConfirmSettings& confirm = module.confirm;
  confirm.pos = pos_of(node);
  switch (module.type()) {
    case ModuleType::kMenu:
    case ModuleType::kDynamicMenu:
    case ModuleType::kLanguage:
    case ModuleType::kYesNo:
      // A choice is its own answer; reading "you chose 2" back adds a step and no safety.
      r.diagnostics().add(confirm.pos,
                          "'confirm' is for entries (digits, number, date_time, "
                          "custom_field), not for a " +
                              std::string(module_type_name(module.type())));
      return;
    default:
      break;
  }
  bool read_back_given = false;
  if (is_plain_scalar(node)) {
    r.read_bool(node, "confirm", confirm.enabled);
  } else {
    ObjectReader obj(node, "'confirm'", r.diagnostics());
    if (!obj.is_object()) return;
    confirm.enabled = true;
    if (auto n = obj.get("prompt")) r.read_text(*n, "prompt", confirm.prompt);
    if (auto n = obj.get("attempts")) r.read_int(*n, "attempts", 1, 5, confirm.attempts);
    if (auto n = obj.get("read_back")) {
      std::string mode;
      read_back_given = true;
      if (r.read_string(*n, "read_back", mode)) {
        if (mode == "full") {
          confirm.read_back = ConfirmSettings::ReadBack::kFull;
        } else if (mode == "masked") {
          confirm.read_back = ConfirmSettings::ReadBack::kMasked;
        } else if (mode == "none") {
          confirm.read_back = ConfirmSettings::ReadBack::kNone;
        } else {
          r.diagnostics().add(
              pos_of(*n),
              "'read_back' must be \"full\", \"masked\" or \"none\", not " + single_quoted(mode));
        }
      }
    }
    obj.finish();
  }
  if (!confirm.enabled) return;
  if (confirm.prompt.empty()) {
    confirm.prompt = confirm.read_back == ConfirmSettings::ReadBack::kNone
                         ? "Press 1 if that is right, or 2 to enter it again."
                         : std::string(kDefaultConfirmPrompt);
  }
  // A private entry is never spoken back whole unless nobody asked: the builder must choose
  // masked (length, last four of a long entry) or none, so the choice shows in review.
  if (module.is_private && confirm.read_back == ConfirmSettings::ReadBack::kFull) {
    r.diagnostics().add(confirm.pos,
                        read_back_given
                            ? "'confirm': a private module cannot read its entry back in full; "
                              "use \"read_back\": \"masked\" or \"none\""
                            : "'confirm' on a private module needs \"read_back\": \"masked\" "
                              "or \"none\" (its entry is never read back in full)");
  }
  if (confirm.read_back == ConfirmSettings::ReadBack::kNone && says_value(confirm.prompt))
    r.diagnostics().add(confirm.pos,
                        "'confirm': the prompt says {value} but \"read_back\" is \"none\"");
}

}  // namespace keyline::flow
