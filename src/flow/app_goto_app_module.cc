// Reader for the Go To App module (docs/apps.md, "goto_app").
#include "flow/app_module_readers.h"

namespace keyline::flow {

bool is_app_name(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == '.') return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

GoToAppSettings read_goto_app(ValueReader& r, ObjectReader& obj) {
  GoToAppSettings out;
  if (auto n = obj.required("app")) {
    // The name also finds a file next to the app (keyline test), so it can hold no path.
    if (r.read_string(*n, "app", out.app) && !is_app_name(out.app))
      r.diagnostics().add(pos_of(*n),
                          "'app' must be an app name: letters, digits, _, - and ., "
                          "not starting with .");
  }
  if (auto n = obj.get("revision")) r.read_int(*n, "revision", 1, 1000000000, out.revision);
  read_sub_app_variables(r, obj, out.variables_in, out.variables_out);
  return out;
}

void read_sub_app_variables(ValueReader& r, ObjectReader& obj,
                            std::vector<std::pair<std::string, Expression>>& in,
                            std::vector<std::string>& out) {
  if (auto n = obj.get("variables_in")) {
    if (!n->IsMap()) {
      r.diagnostics().add(pos_of(*n),
                          "'variables_in' must be an object {\"sub-app variable\": "
                          "\"expression\", ...}");
    } else {
      for (auto it = n->begin(); it != n->end(); ++it) {
        std::string name, text;
        const bool name_ok = r.read_variable_name(it->first, "variables_in", name);
        if (!r.read_string(it->second, "variables_in", text) || !name_ok) continue;
        auto e = Expression::parse(text);
        if (!e) {
          r.diagnostics().add(pos_of(it->second), "'variables_in' " + e.error().message);
          continue;
        }
        in.emplace_back(std::move(name), std::move(*e));
      }
    }
  }
  if (auto n = obj.get("variables_out")) {
    if (!n->IsSequence()) {
      r.diagnostics().add(pos_of(*n), "'variables_out' must be a list [\"name\", ...]");
    } else {
      for (const auto& item : *n) {
        std::string name;
        if (r.read_variable_name(item, "variables_out", name)) out.push_back(std::move(name));
      }
    }
  }
}

}  // namespace keyline::flow
