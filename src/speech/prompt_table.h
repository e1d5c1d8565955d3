// The audio half of an app's prompt table: prompt id x language -> a
// recorded prompt, loaded and encoded for every call codec once, when the
// app is loaded. The TTS half (the table's texts) lives with the app
// document; a host plays the audio when there is some and speaks the text
// otherwise, so a missing or broken file never silences a prompt.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "speech/audio_file.h"

namespace keyline::speech {

struct PromptFile {
  std::string language;  // "en-US"
  std::string id;
  std::string path;  // resolved: absolute, or relative to the working directory
  int line = 0;      // where the app document names it; 0: found by a folder import
  int column = 0;
};

struct PromptProblem {
  int line = 0;  // 0: no position in the document (a folder import)
  int column = 0;
  std::string message;  // names the file and the reason
};

class PromptAudioTable {
 public:
  // Every <dir>/<language>/<id>.<ext> with an audio extension (audio_file.h).
  // Other files, bad ids and two files for one id are problems.
  static std::vector<PromptFile> scan_folder(const std::string& dir,
                                             std::vector<PromptProblem>& problems);

  // Loads each file. A file that fails is a problem and stays out of the
  // table (so its id falls back to TTS). A later entry for the same language
  // and id replaces an earlier one: declare folders first, then the document.
  static PromptAudioTable load(const std::vector<PromptFile>& files,
                               std::vector<PromptProblem>& problems);

  // Adds audio already decoded (an API-stored app's prompts, which live in the
  // database, not in files); replaces an entry of the same language and id.
  void add(std::string language, std::string id, LoadedAudio audio);

  // The audio for `id` in `language`: the same tag, else the same primary
  // language ("es" for "es-MX"). Null when there is none.
  const LoadedAudio* find(std::string_view id, std::string_view language) const;
  bool has_id(std::string_view id) const;
  std::size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string language;
    std::string id;
    LoadedAudio audio;
  };
  std::vector<Entry> entries_;
};

}  // namespace keyline::speech
