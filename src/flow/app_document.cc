#include "flow/app_document.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace keyline::flow {

std::string_view module_type_name(ModuleType type) {
  // In ModuleType's order.
  static constexpr std::string_view kNames[] = {
      "prompt",    "menu",         "digits",       "compare_variable",
      "goto_page", "exit",         "set_variable", "counter",
      "call_log",  "label",        "number",       "yes_no",
      "date_time", "custom_field", "dynamic_menu", "language",
      "rest",      "evaluate_js",  "record",       "transfer",
      "email",
      "soap",      "sms",          "goto_app",     "subdialog",
      "name",      "address",      "assistant",
      "call_recording"};
  const auto i = static_cast<std::size_t>(type);
  return i < std::size(kNames) ? kNames[i] : "?";
}

bool Module::is_input() const {
  switch (type()) {
    case ModuleType::kMenu:
    case ModuleType::kDigits:
    case ModuleType::kNumber:
    case ModuleType::kYesNo:
    case ModuleType::kDateTime:
    case ModuleType::kCustomField:
    case ModuleType::kDynamicMenu:
    case ModuleType::kLanguage:
      return true;
    default:
      return false;
  }
}

const VoiceAnswerSettings* Module::voice_answer() const {
  if (const auto* n = std::get_if<NameSettings>(&settings)) return n;
  if (const auto* a = std::get_if<AddressSettings>(&settings)) return a;
  return nullptr;
}

const Page* AppDocument::find_page(std::string_view page_name) const {
  for (const auto& page : pages) {
    if (page.name == page_name) return &page;
  }
  return nullptr;
}

int language_match(std::string_view have, std::string_view want) {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  auto same = [&](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                              [&](char x, char y) { return lower(x) == lower(y); });
  };
  if (same(have, want)) return 2;
  return same(have.substr(0, have.find('-')), want.substr(0, want.find('-'))) ? 1 : 0;
}

const PromptEntry* AppDocument::find_prompt(std::string_view id, std::string_view language) const {
  const PromptEntry* best = nullptr;
  int best_score = 0;
  for (const auto& entry : prompts) {
    if (entry.id != id) continue;
    // The session language first (exact beats primary), then the app's language.
    int score = language_match(entry.language, language) * 2;
    if (score == 0) score = language_match(entry.language, settings.language) == 2 ? 1 : 0;
    if (score > best_score) best = &entry, best_score = score;
  }
  return best;
}

Result<AppDocument> load_app(const std::string& path) {
  std::error_code ec;
  // A directory opens "successfully" as a stream and then reads as empty; say what it is.
  if (std::filesystem::is_directory(path, ec)) return make_error("app", path + ": is a directory");
  std::ifstream file(path, std::ios::binary);
  if (!file) return make_error("app", path + ": cannot open the file");
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) return make_error("app", path + ": cannot read the file");
  return parse_app(text.str(), path);
}

Result<std::shared_ptr<const AppDocument>> load_app_beside(const AppDocument& caller,
                                                           std::string_view name) {
  if (!is_app_name(name)) return make_error("app", "'" + std::string(name) + "' is no app name");
  const std::filesystem::path dir = std::filesystem::path(caller.file_name).parent_path();
  const std::string path = (dir / (std::string(name) + ".json")).string();
  auto app = load_app(path);
  if (!app) return make_error("app", "app '" + std::string(name) + "': " + app.error().message);
  return std::shared_ptr<const AppDocument>(
      std::make_shared<const AppDocument>(std::move(app).value()));
}

}  // namespace keyline::flow
