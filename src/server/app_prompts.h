// The audio of each app's prompt table, loaded when the app is: the
// settings.prompts_dir folder first, then the files the document's "prompts"
// table names (so the document wins), all relative to the document's folder.
// A file that cannot be used is a problem for `keyline validate` and a
// warning for `keyline serve`, where its prompt falls back to TTS.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "flow/app_document.h"
#include "speech/prompt_table.h"

namespace keyline::server {

struct AppPrompts {
  std::shared_ptr<const speech::PromptAudioTable> audio;
  // "file:line:col: message" for what the document names, "file: message"
  // for what a folder holds.
  std::vector<std::string> problems;
};

// Also reports a Prompt module's prompt_id that neither the table nor the
// folder has (the app parser checks ids itself when there is no folder).
AppPrompts load_app_prompts(const flow::AppDocument& app);

}  // namespace keyline::server
