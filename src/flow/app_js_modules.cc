// Readers for Evaluate JS modules and the app's JavaScript libraries. Scripts are compiled (not
// run) as they are read, so `keyline validate` and every app load report a syntax error at its
// place in the document.
#include "base/strings.h"
#include "flow/app_module_readers.h"

namespace keyline::flow {
namespace {

// A script is a string, or a list of strings — one per line, which lets a syntax error point at
// the exact line of the document.
struct ScriptText {
  std::string text;
  std::vector<SourcePos> lines;  // where each line is written (list form only)
  SourcePos pos;
};

bool read_script(ValueReader& r, const YAML::Node& n, std::string_view key, ScriptText& out) {
  out.pos = pos_of(n);
  if (n.IsSequence()) {
    for (const auto& line : n) {
      std::string text;
      if (!r.read_string(line, key, text)) return false;
      if (!out.lines.empty()) out.text += '\n';
      out.text += text;
      out.lines.push_back(pos_of(line));
    }
  } else if (!r.read_string(n, key, out.text)) {
    return false;
  }
  if (trim(out.text).empty()) {
    r.diagnostics().add(out.pos, single_quoted(key) + " is empty");
    return false;
  }
  return true;
}

// `label` names the script in the message: "'script'", or "library 'cards'".
void check_syntax(ValueReader& r, const ScriptText& script, const std::string& label) {
  auto error = check_js_syntax(script.text);
  if (!error) return;
  const bool has_line = error->line > 0 && error->line <= static_cast<int>(script.lines.size());
  const SourcePos pos =
      has_line ? script.lines[static_cast<std::size_t>(error->line - 1)] : script.pos;
  std::string where = label;
  if (error->line > 0) where += " line " + std::to_string(error->line);
  r.diagnostics().add(pos, where + ": " + error->message);
}

bool is_dotted_name(std::string_view name) {
  if (name.empty()) return false;
  for (auto part : split(name, '.'))
    if (!is_identifier(part)) return false;
  return true;
}

template <class Fn>  // Fn(const YAML::Node& item)
void read_list(ValueReader& r, const YAML::Node& n, std::string_view key, Fn&& fn) {
  if (!n.IsSequence()) {
    r.diagnostics().add(pos_of(n), single_quoted(key) + " must be a list [ ... ]");
    return;
  }
  for (const auto& item : n) fn(item);
}

}  // namespace

EvaluateJsSettings read_evaluate_js(ValueReader& r, ObjectReader& obj) {
  EvaluateJsSettings out;
  auto script = obj.get("script");
  auto function = obj.get("function");
  if (script.has_value() == function.has_value())
    r.diagnostics().add(obj.pos(),
                        "an evaluate_js module needs exactly one of 'script' or 'function'");
  if (script) {
    ScriptText text;
    if (read_script(r, *script, "script", text)) {
      check_syntax(r, text, single_quoted("script"));
      out.script = std::move(text.text);
    }
  }
  if (function) {
    if (r.read_string(*function, "function", out.function) && !is_dotted_name(out.function))
      r.diagnostics().add(pos_of(*function),
                          "'function' must name a function: \"luhn\" or \"cards.luhn\"");
  }
  if (auto n = obj.get("arguments")) {
    if (!function) r.diagnostics().add(pos_of(*n), "'arguments' go with 'function'");
    read_list(r, *n, "arguments", [&](const YAML::Node& item) {
      std::string text;
      if (!r.read_string(item, "arguments", text)) return;
      auto e = Expression::parse(text);
      if (e) {
        out.arguments.push_back(std::move(*e));
      } else {
        r.diagnostics().add(pos_of(item), "an argument " + e.error().message);
      }
    });
  }
  if (auto n = obj.get("inputs")) {
    read_list(r, *n, "inputs", [&](const YAML::Node& item) {
      std::string name;
      if (!r.read_string(item, "inputs", name)) return;
      if (!is_dotted_name(name)) {
        r.diagnostics().add(pos_of(item), "input " + single_quoted(name) +
                                              " must be a variable name (names joined by dots)");
        return;
      }
      out.inputs.push_back(std::move(name));
    });
  }
  if (auto n = obj.get("outputs")) {
    read_list(r, *n, "outputs", [&](const YAML::Node& item) {
      std::string name;
      if (r.read_variable_name(item, "outputs", name)) out.outputs.push_back(std::move(name));
    });
  }
  int ms = static_cast<int>(out.limits.time.count());
  if (auto n = obj.get("time_limit_ms"); n && r.read_int(*n, "time_limit_ms", 10, 10000, ms))
    out.limits.time = std::chrono::milliseconds(ms);
  int kb = static_cast<int>(out.limits.memory_bytes / 1024);
  if (auto n = obj.get("memory_limit_kb"); n && r.read_int(*n, "memory_limit_kb", 512, 65536, kb))
    out.limits.memory_bytes = static_cast<std::size_t>(kb) * 1024;
  return out;
}

void read_js_libraries(ValueReader& r, const YAML::Node& node, std::vector<JsLibrary>& out) {
  read_list(r, node, "js_libraries", [&](const YAML::Node& item) {
    ObjectReader obj(item, "a JavaScript library", r.diagnostics());
    if (!obj.is_object()) return;
    JsLibrary library;
    if (auto n = obj.required("name")) {
      if (r.read_string(*n, "name", library.name)) {
        for (const auto& other : out) {
          if (other.name == library.name)
            r.diagnostics().add(pos_of(*n),
                                "library " + single_quoted(library.name) + " is given twice");
        }
      }
    }
    if (auto n = obj.required("script")) {
      ScriptText text;
      if (read_script(r, *n, "script", text)) {
        check_syntax(r, text, "library " + single_quoted(library.name));
        library.source = std::move(text.text);
      }
    }
    if (auto n = obj.get("comment")) r.read_comment(*n);
    obj.finish();
    out.push_back(std::move(library));
  });
}

}  // namespace keyline::flow
