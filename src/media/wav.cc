#include "media/wav.h"

#include <algorithm>
#include <fstream>
#include <optional>
#include <string_view>

#include "media/byte_order.h"
#include "media/g711.h"

namespace keyline::media {
namespace {

constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatAlaw = 6;
constexpr std::uint16_t kFormatUlaw = 7;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
constexpr int kMaxChannels = 16;
constexpr int kMaxSampleRate = 384000;

Error parse_error(const char* why) { return make_error("parse", std::string("wav: ") + why); }

bool tag_is(std::span<const std::uint8_t> b, std::string_view tag) {
  return std::equal(tag.begin(), tag.end(), b.begin(),
                    [](char c, std::uint8_t u) { return static_cast<std::uint8_t>(c) == u; });
}

void put_tag(std::vector<std::uint8_t>& out, std::string_view tag) {
  out.insert(out.end(), tag.begin(), tag.end());
}
void put_le16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.resize(out.size() + 2);
  store_le16(std::span(out).last(2), v);
}
void put_le32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.resize(out.size() + 4);
  store_le32(std::span(out).last(4), v);
}

Result<std::vector<std::uint8_t>> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return make_error("io", "wav: cannot open file");
  const std::streamoff size = in.tellg();
  if (size < 0) return make_error("io", "wav: cannot size file");
  if (static_cast<std::uintmax_t>(size) > kMaxWavBytes) return parse_error("file too large");
  std::vector<std::uint8_t> bytes(static_cast<std::size_t>(size));
  in.seekg(0);
  if (!in.read(reinterpret_cast<char*>(bytes.data()), size))
    return make_error("io", "wav: read failed");
  return bytes;
}

struct Format {
  std::uint16_t code = 0;
  int channels = 0;
  int sample_rate = 0;
  int bits = 0;
};

Result<Format> parse_fmt(std::span<const std::uint8_t> c) {
  if (c.size() < 16) return parse_error("fmt chunk too short");
  Format f;
  f.code = load_le16(c);
  f.channels = load_le16(c.subspan(2));
  f.sample_rate = static_cast<int>(std::min<std::uint32_t>(load_le32(c.subspan(4)), 0x7FFFFFFF));
  f.bits = load_le16(c.subspan(14));
  if (f.code == kFormatExtensible) {
    // The real format code is the first two bytes of the SubFormat GUID.
    if (c.size() < 40) return parse_error("extensible fmt chunk too short");
    f.code = load_le16(c.subspan(24));
  }
  if (f.channels < 1 || f.channels > kMaxChannels) return parse_error("unsupported channel count");
  if (f.sample_rate < 1 || f.sample_rate > kMaxSampleRate)
    return parse_error("unsupported sample rate");
  const bool pcm16 = f.code == kFormatPcm && f.bits == 16;
  const bool g711 = (f.code == kFormatAlaw || f.code == kFormatUlaw) && f.bits == 8;
  if (!pcm16 && !g711) {
    // Name what was found, so a builder knows what to re-export as.
    std::string found = f.code == kFormatPcm ? std::to_string(f.bits) + "-bit PCM"
                        : f.code == 3        ? std::string("floating point")
                                             : "format code " + std::to_string(f.code);
    return make_error(
        "parse", "wav: unsupported sample format (" + found + "; use 16-bit PCM, u-law or A-law)");
  }
  return f;
}

std::vector<std::int16_t> decode_samples(const Format& f, std::span<const std::uint8_t> data) {
  const std::size_t frame_bytes = static_cast<std::size_t>(f.channels) * (f.bits / 8);
  const std::size_t count = data.size() / frame_bytes * f.channels;
  std::vector<std::int16_t> out(count);
  if (f.code == kFormatPcm) {
    for (std::size_t i = 0; i < count; ++i)
      out[i] = static_cast<std::int16_t>(load_le16(data.subspan(2 * i)));
  } else {
    decode_g711(f.code == kFormatUlaw ? G711::kUlaw : G711::kAlaw, data.first(count), out);
  }
  return out;
}

}  // namespace

Status write_wav(const std::string& path, std::span<const std::int16_t> samples, int sample_rate) {
  if (sample_rate < 1 || sample_rate > kMaxSampleRate) return parse_error("invalid sample rate");
  // RIFF sizes are 32-bit; leave room for the 36 header bytes after RIFF.
  if (samples.size() > (0xFFFFFFFFu - 36) / 2) return parse_error("too many samples");
  const auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  const auto rate = static_cast<std::uint32_t>(sample_rate);

  std::vector<std::uint8_t> out;
  out.reserve(44 + data_bytes);
  put_tag(out, "RIFF");
  put_le32(out, 36 + data_bytes);
  put_tag(out, "WAVE");
  put_tag(out, "fmt ");
  put_le32(out, 16);
  put_le16(out, kFormatPcm);
  put_le16(out, 1);  // channels
  put_le32(out, rate);
  put_le32(out, rate * 2);  // byte rate
  put_le16(out, 2);         // block align
  put_le16(out, 16);        // bits per sample
  put_tag(out, "data");
  put_le32(out, data_bytes);
  for (std::int16_t s : samples) put_le16(out, static_cast<std::uint16_t>(s));

  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) return make_error("io", "wav: cannot create file");
  file.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(out.size()));
  file.close();
  if (!file) return make_error("io", "wav: write failed");
  return Ok{};
}

Result<WavData> read_wav(const std::string& path) {
  auto file = read_file(path);
  if (!file) return file.error();
  return parse_wav(*file);
}

Result<WavData> parse_wav(std::span<const std::uint8_t> b) {
  if (b.size() > kMaxWavBytes) return parse_error("file too large");
  if (b.size() < 12 || !tag_is(b, "RIFF") || !tag_is(b.subspan(8), "WAVE"))
    return parse_error("not a RIFF WAVE file");

  std::optional<Format> format;
  std::size_t pos = 12;
  while (pos + 8 <= b.size()) {
    const auto id = b.subspan(pos, 4);
    const std::size_t size = load_le32(b.subspan(pos + 4));
    pos += 8;
    if (size > b.size() - pos) return parse_error("truncated chunk");
    const auto body = b.subspan(pos, size);
    if (tag_is(id, "fmt ")) {
      auto f = parse_fmt(body);
      if (!f) return f.error();
      format = *f;
    } else if (tag_is(id, "data")) {
      if (!format) return parse_error("data chunk before fmt chunk");
      return WavData{format->sample_rate, format->channels, decode_samples(*format, body)};
    }
    pos += size + (size & 1);  // chunks are padded to even length
  }
  return parse_error(format ? "missing data chunk" : "missing fmt chunk");
}

}  // namespace keyline::media
