#include "server/stored_app_prompts.h"

#include <cstdint>
#include <map>
#include <span>

#include "speech/audio_file.h"

namespace keyline::server {

StoredAppPrompts load_stored_app_prompts(store::AppRepository& apps, const std::string& app_name,
                                         const flow::AppDocument& app) {
  StoredAppPrompts out;
  const std::string what = "stored app '" + app_name + "'";
  // Read only when the table names a file: most stored apps speak every prompt.
  bool names_files = false;
  for (const auto& entry : app.prompts) names_files = names_files || !entry.file.empty();
  if (!names_files) return out;

  auto files = apps.prompt_files(app_name);
  if (!files) {
    out.problems.push_back(what + ": prompt files could not be read: " + files.error().message);
    return out;
  }
  // Each upload is decoded once, however many table entries name it.
  std::map<std::string, std::shared_ptr<speech::LoadedAudio>> decoded;
  auto table = std::make_shared<speech::PromptAudioTable>();
  for (const auto& entry : app.prompts) {
    if (entry.file.empty()) continue;
    const auto slash = entry.file.find_last_of('/');
    const std::string file = slash == std::string::npos ? entry.file : entry.file.substr(slash + 1);
    const std::string where = what + ": prompt '" + entry.id + "' (" + entry.language + "): ";
    auto it = decoded.find(file);
    if (it == decoded.end()) {
      std::shared_ptr<speech::LoadedAudio> audio;
      auto bytes = apps.prompt_audio(app_name, file);
      if (!bytes) {
        out.problems.push_back(where + file + ": " + bytes.error().message);
      } else if (!*bytes) {
        out.problems.push_back(where + "no uploaded file '" + file + "' (PUT /v1/apps/" + app_name +
                               "/prompts/" + file + "); its text is spoken");
      } else {
        const auto* data = reinterpret_cast<const std::uint8_t*>((*bytes)->data());
        auto pcm = speech::decode_audio_8k(std::span(data, (*bytes)->size()), ".wav");
        if (pcm)
          audio = std::make_shared<speech::LoadedAudio>(speech::encode_all_codecs(*pcm));
        else
          out.problems.push_back(where + file + ": " + pcm.error().message);
      }
      it = decoded.emplace(file, std::move(audio)).first;
    }
    if (it->second) table->add(entry.language, entry.id, *it->second);
  }
  if (table->size() > 0) out.audio = std::move(table);
  return out;
}

}  // namespace keyline::server
