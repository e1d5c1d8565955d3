#include "api/prompt_files.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <span>

#include "api/key_hasher.h"
#include "speech/audio_file.h"

namespace keyline::api {

bool valid_prompt_file(std::string_view f) {
  if (f.size() < 5 || f.size() > 100 || f.front() == '.') return false;
  std::string ext(f.substr(f.size() - 4));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  if (ext != ".wav") return false;
  return std::all_of(f.begin(), f.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

std::optional<std::string> prompt_audio_problem(std::string_view bytes) {
  if (bytes.size() > kMaxPromptBytes)
    return "a prompt file is at most " + std::to_string(kMaxPromptBytes) + " bytes";
  const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
  auto pcm = speech::decode_audio_8k(std::span(data, bytes.size()), ".wav");
  if (!pcm) return pcm.error().message + " (mono 16-bit PCM, u-law or A-law WAV, 8-48 kHz)";
  return std::nullopt;
}

std::string sha256_hex(std::string_view bytes) { return sha256_digest_hex(bytes); }

}  // namespace keyline::api
