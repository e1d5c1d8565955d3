// The recorded prompts of an API-stored app (docs/api.md, "Recorded prompts of stored apps"):
// the WAV files uploaded to /v1/apps/{name}/prompts/{file} are read from the database and
// matched to the document's prompt table, whose `file` entries name them (by the last part of
// the path: "audio/welcome.wav" plays the upload "welcome.wav"). Nothing is read from the
// server's disk, so an API user can never make the server open a path of its choosing.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "flow/app_document.h"
#include "speech/prompt_table.h"
#include "store/repositories.h"

namespace keyline::server {

struct StoredAppPrompts {
  // Null when the app has no uploads its table names (its prompts are spoken by TTS).
  std::shared_ptr<const speech::PromptAudioTable> audio;
  // A table entry whose file was not uploaded, or an upload that no longer decodes: that
  // prompt falls back to its text, and the routing log says why.
  std::vector<std::string> problems;
};

StoredAppPrompts load_stored_app_prompts(store::AppRepository& apps, const std::string& app_name,
                                         const flow::AppDocument& app);

}  // namespace keyline::server
