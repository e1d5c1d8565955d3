// Speech-input settings of an app document: menu phrases, and the check that every module
// with speech on has a grammar the recognizer accepts (so a phrase with a digit in it is a
// `keyline validate` error, not a call that silently takes keys only).
#include <algorithm>

#include "flow/app_module_readers.h"
#include "flow/speech_input.h"

namespace keyline::flow {

void read_menu_phrases(ValueReader& r, const YAML::Node& node, MenuSettings& menu) {
  if (!node.IsMap()) {
    r.diagnostics().add(pos_of(node), "'phrases' must be an object {\"1\": [\"sales\"], ...}");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    auto option = std::find_if(menu.options.begin(), menu.options.end(), [&](const MenuOption& o) {
      return key.size() == 1 && key[0] == o.key;
    });
    if (option == menu.options.end()) {
      r.diagnostics().add(pos_of(it->first),
                          "phrases for " + single_quoted(key) + ", which is not a menu option");
      continue;
    }
    read_phrase_list(r, it->second, "phrases", option->phrases);
  }
}

void check_menu_phrases(ValueReader& r, SourcePos pos, const MenuSettings& menu) {
  const bool any = std::any_of(menu.options.begin(), menu.options.end(),
                               [](const MenuOption& o) { return !o.phrases.empty(); });
  if (!any)
    r.diagnostics().add(pos, "a menu with speech needs 'phrases' {\"1\": [\"sales\"], ...}");
}

void check_speech_grammars(const AppDocument& app, AppDiagnostics& diagnostics) {
  for (const auto& page : app.pages) {
    for (const auto& module : page.modules) {
      if (!listens_for_speech(module)) continue;
      // An empty menu/custom phrase list was reported by its reader already.
      if (auto grammar = speech_grammar(module); !grammar) {
        const bool no_phrases =
            grammar.error().message.find("at least one choice") != std::string::npos;
        if (!no_phrases)
          diagnostics.add(module.pos, "module " + single_quoted(module.name) +
                                          ": speech: " + grammar.error().message);
      }
    }
  }
}

}  // namespace keyline::flow
