// Readers for the app's prompt table ("prompts"), its per-language voices ("settings.voices"),
// and the check that every Prompt module's prompt_id is in the table.
#include <set>

#include "flow/app_module_readers.h"

namespace keyline::flow {
namespace {

// A language tag as apps write it: "en-US", "es", "es-419". Only its shape is checked here;
// whether a voice speaks it is the host's question.
bool is_language_tag(std::string_view s) {
  if (s.empty() || s.size() > 35) return false;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
    if (!ok) return false;
  }
  return s.front() != '-' && s.back() != '-';
}

// Prompt ids name files in a bulk-import folder (<lang>/<id>.wav), so they use the characters
// of a file name that is safe everywhere: no slashes, no dot-dot.
bool is_prompt_id(std::string_view s) {
  if (s.empty() || s.size() > 100 || s.front() == '.') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

bool read_language_key(ValueReader& r, const YAML::Node& key, const std::string& where) {
  if (is_language_tag(key.Scalar())) return true;
  r.diagnostics().add(pos_of(key), where + " " + single_quoted(key.Scalar()) +
                                       " is not a language tag (e.g. \"en-US\", \"es\")");
  return false;
}

void read_entry(ValueReader& r, const YAML::Node& key, const YAML::Node& value,
                const std::string& language, AppDocument& app) {
  PromptEntry entry;
  entry.language = language;
  entry.id = key.Scalar();
  entry.pos = pos_of(key);
  if (!is_prompt_id(entry.id)) {
    r.diagnostics().add(entry.pos, "prompt id " + single_quoted(entry.id) +
                                       " must use letters, digits, _, - and . (it names a file)");
    return;
  }
  if (is_json_string(value)) {
    entry.text = value.Scalar();
  } else {
    ObjectReader obj(value, "a prompt table entry", r.diagnostics());
    if (!obj.is_object()) return;
    if (auto n = obj.get("file")) {
      entry.file_pos = pos_of(*n);
      r.read_string(*n, "file", entry.file);
    }
    if (auto n = obj.get("text")) r.read_string(*n, "text", entry.text);
    if (auto n = obj.get("comment")) r.read_comment(*n);
    obj.finish();
    if (entry.file.empty() && entry.text.empty())
      r.diagnostics().add(entry.pos,
                          "prompt " + single_quoted(entry.id) + " needs a 'file' or a 'text'");
  }
  if (entry.text.find("{{") != std::string::npos) {
    // Table texts are fixed recordings' scripts; variables belong in the module's text, where
    // the privacy audit and the never-cache-private rule can see them.
    r.diagnostics().add(entry.pos,
                        "prompt table texts cannot hold {{variables}}: put them in "
                        "the prompt module's 'text'");
    return;
  }
  app.prompts.push_back(std::move(entry));
}

}  // namespace

void read_prompt_table(ValueReader& r, const YAML::Node& node, AppDocument& app) {
  if (!node.IsMap()) {
    r.diagnostics().add(pos_of(node),
                        "'prompts' must be an object {\"en-US\": {\"prompt_id\": ...}, ...}");
    return;
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (auto lang = node.begin(); lang != node.end(); ++lang) {
    if (!read_language_key(r, lang->first, "'prompts' language")) continue;
    if (!lang->second.IsMap()) {
      r.diagnostics().add(pos_of(lang->second),
                          "prompts for a language must be an object {\"prompt_id\": ...}");
      continue;
    }
    for (auto it = lang->second.begin(); it != lang->second.end(); ++it)
      read_entry(r, it->first, it->second, lang->first.Scalar(), app);
  }
}

void read_voices(ValueReader& r, const YAML::Node& node, AppSettings& settings) {
  if (!node.IsMap()) {
    r.diagnostics().add(pos_of(node), "'voices' must be an object {\"es\": \"es\", ...}");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!read_language_key(r, it->first, "'voices' language")) continue;
    std::string voice;
    if (r.read_string(it->second, "voices", voice)) settings.voices[it->first.Scalar()] = voice;
  }
}

namespace {

const InputPromptId* input_prompt_id(const Module& module) {
  if (const auto* m = std::get_if<MenuSettings>(&module.settings)) return &m->prompt_id;
  if (const auto* d = std::get_if<DigitsSettings>(&module.settings)) return &d->prompt_id;
  return std::visit(
      [](const auto& s) -> const InputPromptId* {
        if constexpr (requires { s.common.prompt_id; }) {
          return &s.common.prompt_id;
        } else {
          return nullptr;
        }
      },
      module.settings);
}

}  // namespace

void check_prompt_ids(const AppDocument& app, AppDiagnostics& diagnostics) {
  // With a bulk-import folder the ids may be files; the host checks those when it loads them.
  if (!app.settings.prompts_dir.empty()) return;
  auto check = [&](const std::string& id, SourcePos pos) {
    if (id.empty() || app.find_prompt(id, app.settings.language)) return;
    diagnostics.add(pos, "prompt id " + single_quoted(id) +
                             " is not in the app's 'prompts' table for " +
                             single_quoted(app.settings.language));
  };
  for (const auto& page : app.pages) {
    for (const auto& module : page.modules) {
      if (const auto* prompt = std::get_if<PromptSettings>(&module.settings))
        check(prompt->prompt_id, prompt->prompt_id_pos);
      if (const auto* id = input_prompt_id(module)) check(id->id, id->pos);
    }
  }
}

}  // namespace keyline::flow
