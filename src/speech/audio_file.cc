#include "speech/audio_file.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>

#include "base/strings.h"
#include "media/byte_order.h"
#include "media/g711.h"
#include "media/wav.h"
#include "speech/resample.h"

namespace keyline::speech {
namespace {

// Below 8 kHz the phone band is already lost; above 48 kHz is studio audio
// nobody records prompts in. Both are more likely a broken header.
constexpr int kMinRate = 8000;
constexpr int kMaxRate = 48000;

Error audio_error(std::string why) { return make_error("audio", std::move(why)); }

std::vector<std::int16_t> decode_s16le(std::span<const std::uint8_t> b) {
  std::vector<std::int16_t> out(b.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i] = static_cast<std::int16_t>(media::load_le16(b.subspan(2 * i)));
  return out;
}

Result<std::vector<std::int16_t>> from_wav(std::span<const std::uint8_t> bytes) {
  auto wav = media::parse_wav(bytes);
  if (!wav) {
    std::string why = wav.error().message;
    if (why.starts_with("wav: ")) why.erase(0, 5);
    return audio_error(why);
  }
  if (wav->channels != 1)
    return audio_error(std::to_string(wav->channels) +
                       " channels (stereo is not supported: export the prompt as mono)");
  if (wav->sample_rate < kMinRate || wav->sample_rate > kMaxRate)
    return audio_error("sample rate " + std::to_string(wav->sample_rate) +
                       " Hz is not supported (8000 to 48000 Hz)");
  if (wav->sample_rate == 8000) return std::move(wav->samples);
  return resample(wav->samples, wav->sample_rate, 8000);
}

Result<std::vector<std::uint8_t>> read_bytes(const std::string& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return audio_error("no such file");
  if (!std::filesystem::is_regular_file(status)) return audio_error("not a regular file");
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return audio_error("cannot read the file size");
  if (size > media::kMaxWavBytes) return audio_error("file too large (over 64 MiB)");
  std::ifstream in(path, std::ios::binary);
  if (!in) return audio_error("cannot open the file (permissions?)");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
    return audio_error("read failed");
  return bytes;
}

}  // namespace

Result<std::vector<std::int16_t>> decode_audio_8k(std::span<const std::uint8_t> bytes,
                                                  std::string_view extension) {
  const std::string ext = to_lower(extension);
  Result<std::vector<std::int16_t>> pcm = std::vector<std::int16_t>{};
  if (ext == ".wav") {
    pcm = from_wav(bytes);
  } else if (ext == ".ul" || ext == ".al") {
    std::vector<std::int16_t> out(bytes.size());
    media::decode_g711(ext == ".ul" ? media::G711::kUlaw : media::G711::kAlaw, bytes, out);
    pcm = std::move(out);
  } else if (ext == ".l16" || ext == ".sln" || ext == ".sln16") {
    // Headerless: an odd length means the file was cut or is not 16-bit.
    if (bytes.size() % 2) return audio_error("odd number of bytes for 16-bit audio (truncated?)");
    auto samples = decode_s16le(bytes);
    pcm = ext == ".sln16" ? resample(samples, 16000, 8000) : std::move(samples);
  } else {
    return audio_error("unsupported file type '" + ext + "' (use " + kAudioExtensions + ")");
  }
  if (pcm && pcm->empty()) return audio_error("no audio in the file");
  return pcm;
}

Result<std::vector<std::int16_t>> load_audio_8k(const std::string& path) {
  auto bytes = read_bytes(path);
  auto pcm = bytes ? decode_audio_8k(*bytes, std::filesystem::path(path).extension().string())
                   : Result<std::vector<std::int16_t>>(bytes.error());
  if (!pcm) return audio_error(path + ": " + pcm.error().message);
  return pcm;
}

std::shared_ptr<const media::EncodedPrompt> LoadedAudio::for_codec(media::Codec codec) const {
  switch (codec) {
    case media::Codec::kPcma:
      return pcma;
    case media::Codec::kG722:
      return g722;
    default:
      return pcmu;
  }
}

LoadedAudio encode_all_codecs(std::span<const std::int16_t> pcm8k) {
  LoadedAudio out;
  out.samples = pcm8k.size();
  out.pcm8k = std::make_shared<const std::vector<std::int16_t>>(pcm8k.begin(), pcm8k.end());
  auto encode = [&](media::Codec c) {
    return std::make_shared<const media::EncodedPrompt>(media::encode_prompt(c, pcm8k));
  };
  out.pcmu = encode(media::Codec::kPcmu);
  out.pcma = encode(media::Codec::kPcma);
  out.g722 = encode(media::Codec::kG722);
  return out;
}

Result<LoadedAudio> load_prompt_audio(const std::string& path) {
  auto pcm = load_audio_8k(path);
  if (!pcm) return pcm.error();
  return encode_all_codecs(*pcm);
}

}  // namespace keyline::speech
