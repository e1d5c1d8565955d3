// The cross-reference pass of parse_app: names are unique and every exit leads somewhere.
#include <map>

#include "base/strings.h"
#include "flow/app_diagnostics.h"

namespace keyline::flow {
namespace {

class LinkChecker {
 public:
  LinkChecker(AppDocument& app, AppDiagnostics& diagnostics) : app_(app), diag_(diagnostics) {}

  void run() {
    index_names();
    for (auto& page : app_.pages) {
      for (auto& module : page.modules) check_module(module);
    }
  }

 private:
  void index_names() {
    for (const auto& page : app_.pages) {
      if (page.name.empty()) continue;  // already reported
      auto [it, fresh] = page_lines_.emplace(page.name, page.pos.line);
      if (!fresh)
        diag_.add(page.pos, "duplicate page name " + single_quoted(page.name) +
                                " (first used on line " + std::to_string(it->second) + ")");
      if (page.modules.empty())
        diag_.add(page.pos, "page " + single_quoted(page.name) + " has no modules");
      for (const auto& module : page.modules) {
        if (module.name.empty()) continue;
        auto [m, new_module] = module_pages_.emplace(module.name, page.name);
        if (!new_module)
          diag_.add(module.pos, "duplicate module name " + single_quoted(module.name) +
                                    " (module names are variable names and must be unique in the "
                                    "app)");
      }
    }
  }

  void check_module(Module& module) {
    for (auto& [exit_name, target] : module.exits) check_target(target);
    if (auto* menu = std::get_if<MenuSettings>(&module.settings)) {
      for (auto& option : menu->options) check_target(option.target);
    } else if (auto* compare = std::get_if<CompareSettings>(&module.settings)) {
      for (auto& row : compare->rows) check_target(row.target);
    } else if (auto* go = std::get_if<GoToPageSettings>(&module.settings)) {
      check_target(go->target);
    }
  }

  void check_target(Target& target) {
    const Page* page = app_.find_page(target.page);
    if (!page) {
      diag_.add(target.pos, "there is no page " + single_quoted(target.page));
      return;
    }
    if (target.module.empty()) {
      if (!page->modules.empty()) target.module = page->modules.front().name;
      return;
    }
    for (const auto& module : page->modules) {
      if (module.name == target.module) return;
    }
    auto elsewhere = module_pages_.find(target.module);
    if (elsewhere == module_pages_.end()) {
      diag_.add(target.pos, "there is no module " + single_quoted(target.module) + " on page " +
                                single_quoted(target.page));
    } else {
      diag_.add(target.pos, "module " + single_quoted(target.module) + " is on page " +
                                single_quoted(elsewhere->second) + "; write {\"page\": \"" +
                                elsewhere->second + "\", \"module\": \"" + target.module + "\"}");
    }
  }

  AppDocument& app_;
  AppDiagnostics& diag_;
  std::map<std::string, int> page_lines_;
  std::map<std::string, std::string> module_pages_;  // module name -> its page
};

}  // namespace

void check_app_links(AppDocument& app, AppDiagnostics& diagnostics) {
  LinkChecker(app, diagnostics).run();
}

}  // namespace keyline::flow
