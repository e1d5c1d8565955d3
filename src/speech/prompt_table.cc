#include "speech/prompt_table.h"

#include <algorithm>
#include <filesystem>
#include <map>

#include "speech/voice_catalog.h"

namespace keyline::speech {
namespace {

namespace fs = std::filesystem;

bool is_audio_extension(std::string ext) {
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext == ".wav" || ext == ".ul" || ext == ".al" || ext == ".l16" || ext == ".sln" ||
         ext == ".sln16";
}

// The same rule as an app document's prompt ids: a plain file name.
bool is_prompt_id(std::string_view s) {
  if (s.empty() || s.size() > 100 || s.front() == '.') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

}  // namespace

std::vector<PromptFile> PromptAudioTable::scan_folder(const std::string& dir,
                                                      std::vector<PromptProblem>& problems) {
  std::vector<PromptFile> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    problems.push_back({0, 0, dir + ": prompts folder not found (or not a directory)"});
    return files;
  }
  // Sorted, so the table (and the problems reported) do not depend on directory order.
  std::vector<fs::path> languages;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec) && e.path().filename().string().front() != '.')
      languages.push_back(e.path());
  std::sort(languages.begin(), languages.end());
  for (const auto& lang_dir : languages) {
    std::vector<fs::path> paths;
    for (const auto& e : fs::directory_iterator(lang_dir, ec))
      if (e.path().filename().string().front() != '.') paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    std::map<std::string, std::string> seen;  // id -> first file
    for (const auto& p : paths) {
      const std::string id = p.stem().string();
      if (!fs::is_regular_file(p, ec) || !is_audio_extension(p.extension().string())) {
        problems.push_back(
            {0, 0,
             p.string() + ": not an audio prompt (use " + std::string(kAudioExtensions) + ")"});
        continue;
      }
      if (!is_prompt_id(id)) {
        problems.push_back(
            {0, 0, p.string() + ": the file name is not a prompt id (letters, digits, _ - .)"});
        continue;
      }
      if (auto [it, fresh] = seen.emplace(id, p.string()); !fresh) {
        problems.push_back({0, 0, p.string() + ": prompt '" + id + "' also has " + it->second});
        continue;
      }
      files.push_back({lang_dir.filename().string(), id, p.string(), 0, 0});
    }
  }
  return files;
}

PromptAudioTable PromptAudioTable::load(const std::vector<PromptFile>& files,
                                        std::vector<PromptProblem>& problems) {
  PromptAudioTable table;
  for (const auto& f : files) {
    auto audio = load_prompt_audio(f.path);
    if (!audio) {
      problems.push_back({f.line, f.column, audio.error().message});
      continue;
    }
    table.add(f.language, f.id, std::move(*audio));
  }
  return table;
}

void PromptAudioTable::add(std::string language, std::string id, LoadedAudio audio) {
  auto same = [&](const Entry& e) { return e.id == id && same_language(e.language, language); };
  if (auto it = std::find_if(entries_.begin(), entries_.end(), same); it != entries_.end())
    it->audio = std::move(audio);
  else
    entries_.push_back({std::move(language), std::move(id), std::move(audio)});
}

const LoadedAudio* PromptAudioTable::find(std::string_view id, std::string_view language) const {
  const LoadedAudio* primary = nullptr;
  for (const auto& e : entries_) {
    if (e.id != id) continue;
    if (same_language(e.language, language)) return &e.audio;
    if (!primary && same_language(primary_subtag(e.language), primary_subtag(language)))
      primary = &e.audio;
  }
  return primary;
}

bool PromptAudioTable::has_id(std::string_view id) const {
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
}

}  // namespace keyline::speech
