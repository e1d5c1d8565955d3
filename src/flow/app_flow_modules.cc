// Readers for Set Variable, Counter and Call Log settings.
#include "flow/app_module_readers.h"

namespace keyline::flow {

SetVariableSettings read_set_variable(ValueReader& r, ObjectReader& obj) {
  SetVariableSettings out;
  auto rows = obj.required("rows");
  if (!rows) return out;
  if (!rows->IsSequence() || rows->size() == 0) {
    r.diagnostics().add(pos_of(*rows), "'rows' must be a list [ ... ] with at least one row");
    return out;
  }
  for (const auto& row_node : *rows) {
    ObjectReader row(row_node, "a set_variable row", r.diagnostics());
    if (!row.is_object()) continue;
    SetVariableRow item;
    item.pos = row.pos();
    if (auto n = row.required("name")) r.read_variable_name(*n, "name", item.name);
    if (auto n = row.required("expression")) {
      std::string text;
      if (r.read_string(*n, "expression", text)) {
        auto e = Expression::parse(text);
        if (e) {
          item.expression = std::move(*e);
        } else {
          r.diagnostics().add(pos_of(*n), "'expression' " + e.error().message);
        }
      }
    }
    row.finish();
    out.rows.push_back(std::move(item));
  }
  return out;
}

CounterSettings read_counter(ValueReader& r, ObjectReader& obj) {
  CounterSettings out;
  if (auto n = obj.get("start")) r.read_int(*n, "start", -1000000, 1000000, out.start);
  if (auto n = obj.get("step")) r.read_int(*n, "step", 1, 1000000, out.step);
  if (auto n = obj.required("limit")) r.read_int(*n, "limit", 1, 1000000, out.limit);
  return out;
}

CallLogSettings read_call_log(ValueReader& r, ObjectReader& obj) {
  CallLogSettings out;
  if (auto n = obj.required("text")) r.read_text(*n, "text", out.text);
  return out;
}

}  // namespace keyline::flow
