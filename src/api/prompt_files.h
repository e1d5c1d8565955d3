// The rules a recorded prompt file of a stored app must meet, shared by PUT
// /v1/apps/{name}/prompts/{file} and the import (export_routes.cc), so a file
// refused by one is refused by the other.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace keyline::api {

// A prompt is seconds long: 1 MiB is over a minute of 8 kHz 16-bit audio. The HTTPS server's
// own body cap is the same, so this check matters for callers without it (tests, tools).
inline constexpr std::size_t kMaxPromptBytes = 1u << 20;
// Enough for a big multi-language menu tree; stops a loop from filling the database.
inline constexpr std::size_t kMaxPromptsPerApp = 500;

// A plain file name ending .wav: what a document's prompt table names (its last path part).
// No '/', no leading '.', so it is also safe as a file name in an export directory.
bool valid_prompt_file(std::string_view file);

// Why `bytes` is not a WAV prompt Keyline can play (decoded with the reader calls use), or
// nullopt when it is.
std::optional<std::string> prompt_audio_problem(std::string_view bytes);

// Lower-case hex SHA-256 of `bytes`: the export manifest's checksum of each prompt file.
std::string sha256_hex(std::string_view bytes);

}  // namespace keyline::api
