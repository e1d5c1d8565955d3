#include "flow/app_document.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace keyline::flow {

std::string_view module_type_name(ModuleType type) {
  switch (type) {
    case ModuleType::kPrompt:
      return "prompt";
    case ModuleType::kMenu:
      return "menu";
    case ModuleType::kDigits:
      return "digits";
    case ModuleType::kCompareVariable:
      return "compare_variable";
    case ModuleType::kGoToPage:
      return "goto_page";
    case ModuleType::kExit:
      return "exit";
  }
  return "?";
}

const Page* AppDocument::find_page(std::string_view page_name) const {
  for (const auto& page : pages) {
    if (page.name == page_name) return &page;
  }
  return nullptr;
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

}  // namespace keyline::flow
