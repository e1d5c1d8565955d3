#include "server/app_prompts.h"

#include <filesystem>

namespace keyline::server {

AppPrompts load_app_prompts(const flow::AppDocument& app) {
  namespace fs = std::filesystem;
  const fs::path base = fs::path(app.file_name).parent_path();
  auto resolve = [&](const std::string& p) {
    return fs::path(p).is_absolute() ? p : (base / p).string();
  };
  const std::string& doc = app.file_name;

  std::vector<speech::PromptProblem> found;
  std::vector<speech::PromptFile> files;
  if (!app.settings.prompts_dir.empty()) {
    std::vector<speech::PromptProblem> folder;
    files = speech::PromptAudioTable::scan_folder(resolve(app.settings.prompts_dir), folder);
    // A folder that is not there is the document's mistake: point at the setting.
    for (auto& p : folder) {
      if (p.message.find("prompts folder not found") != std::string::npos) {
        p.line = app.settings.prompts_dir_pos.line;
        p.column = app.settings.prompts_dir_pos.column;
      }
    }
    found = std::move(folder);
  }
  for (const auto& entry : app.prompts) {
    if (entry.file.empty()) continue;
    files.push_back({entry.language, entry.id, resolve(entry.file), entry.file_pos.line,
                     entry.file_pos.column});
  }
  auto table = speech::PromptAudioTable::load(files, found);

  AppPrompts out;
  for (const auto& p : found) {
    out.problems.push_back(p.line ? doc + ":" + std::to_string(p.line) + ":" +
                                        std::to_string(p.column) + ": " + p.message
                                  : p.message);
  }
  if (!app.settings.prompts_dir.empty()) {
    for (const auto& page : app.pages) {
      for (const auto& module : page.modules) {
        const auto* prompt = std::get_if<flow::PromptSettings>(&module.settings);
        if (!prompt || prompt->prompt_id.empty() || table.has_id(prompt->prompt_id) ||
            app.find_prompt(prompt->prompt_id, app.settings.language))
          continue;
        out.problems.push_back(doc + ":" + std::to_string(prompt->prompt_id_pos.line) + ":" +
                               std::to_string(prompt->prompt_id_pos.column) + ": prompt id '" +
                               prompt->prompt_id + "' is neither in the 'prompts' table nor a " +
                               "file in the prompts folder");
      }
    }
  }
  out.audio = std::make_shared<const speech::PromptAudioTable>(std::move(table));
  return out;
}

}  // namespace keyline::server
