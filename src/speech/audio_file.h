// Recorded prompt audio from disk: WAV (16-bit PCM, u-law, A-law) and the
// headerless .ul / .al / .l16 files IVR platforms trade in, turned into 8 kHz
// mono PCM and then, once, into the frames of every call codec. Files come
// from app builders, so anything malformed is an error value naming the path
// and the reason - never a crash, never a half-loaded prompt.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "media/codec.h"
#include "media/frames.h"

namespace keyline::speech {

// The formats load_audio_8k accepts, by file name extension (lower case).
// .l16 and .sln are 16-bit signed little-endian 8 kHz; .sln16 the same at
// 16 kHz; .ul / .al are one G.711 byte per 8 kHz sample.
constexpr const char* kAudioExtensions = ".wav, .ul, .al, .l16, .sln, .sln16";

// The file at `path` as 8 kHz mono 16-bit PCM. WAV files may be 8-48 kHz and
// are resampled; they must be mono. Errors (kind "audio") read
// "<path>: <reason>".
Result<std::vector<std::int16_t>> load_audio_8k(const std::string& path);

// As load_audio_8k for bytes already read, with the extension that says how
// to decode them (".wav", ".ul", ...). Errors carry only the reason.
Result<std::vector<std::int16_t>> decode_audio_8k(std::span<const std::uint8_t> bytes,
                                                  std::string_view extension);

// One audio prompt, encoded for every call codec when it was loaded, so a
// call only ever copies frames.
struct LoadedAudio {
  std::shared_ptr<const media::EncodedPrompt> pcmu, pcma, g722;
  // The 8 kHz PCM too, for SSML <audio> clips mixed into synthesized speech.
  std::shared_ptr<const std::vector<std::int16_t>> pcm8k;
  std::size_t samples = 0;  // at 8 kHz

  std::shared_ptr<const media::EncodedPrompt> for_codec(media::Codec codec) const;
};

Result<LoadedAudio> load_prompt_audio(const std::string& path);
LoadedAudio encode_all_codecs(std::span<const std::int16_t> pcm8k);

}  // namespace keyline::speech
