#include "media/wav_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <filesystem>
#include <utility>

#include "media/byte_order.h"

namespace keyline::media {
namespace {

constexpr std::size_t kHeaderBytes = 44;
// 64 KiB between writes: two seconds of stereo 8 kHz audio, so a call costs
// one write(2) every couple of seconds and at most this much memory.
constexpr std::size_t kBufferBytes = 64 * 1024;
// RIFF sizes are 32-bit; stop well before they wrap (about 37 hours of
// stereo 8 kHz audio).
constexpr std::uint64_t kMaxDataBytes = 0xFFFFFFFFull - kHeaderBytes - kBufferBytes;

void header(std::span<std::uint8_t, kHeaderBytes> h, int channels, int rate, std::uint32_t data) {
  auto tag = [&h](std::size_t at, const char* t) {
    for (std::size_t i = 0; i < 4; ++i) h[at + i] = static_cast<std::uint8_t>(t[i]);
  };
  const auto ch = static_cast<std::uint16_t>(channels);
  const auto sr = static_cast<std::uint32_t>(rate);
  tag(0, "RIFF");
  store_le32(h.subspan(4, 4), data + 36);
  tag(8, "WAVE");
  tag(12, "fmt ");
  store_le32(h.subspan(16, 4), 16);
  store_le16(h.subspan(20, 2), 1);  // PCM
  store_le16(h.subspan(22, 2), ch);
  store_le32(h.subspan(24, 4), sr);
  store_le32(h.subspan(28, 4), sr * ch * 2u);  // byte rate
  store_le16(h.subspan(32, 2), static_cast<std::uint16_t>(ch * 2u));
  store_le16(h.subspan(34, 2), 16);
  tag(36, "data");
  store_le32(h.subspan(40, 4), data);
}

bool write_all(int fd, const std::uint8_t* p, std::size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return true;
}

}  // namespace

Result<WavFileWriter> WavFileWriter::create(const std::string& path, int channels,
                                            int sample_rate) {
  if (channels != 1 && channels != 2) return make_error("io", "wav: 1 or 2 channels");
  if (sample_rate <= 0) return make_error("io", "wav: bad sample rate");
  // O_EXCL: a recording never replaces a file (or follows a planted link).
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return make_error("io", "wav: cannot create recording file");
  // The umask can only remove bits; make sure of 0600 whatever it was.
  ::fchmod(fd, 0600);
  WavFileWriter writer(fd, path, channels, sample_rate);
  std::array<std::uint8_t, kHeaderBytes> h{};
  header(h, channels, sample_rate, 0);
  if (!write_all(fd, h.data(), h.size())) {
    auto failed = writer.fail("wav: cannot write header");
    return failed.error();
  }
  return writer;
}

WavFileWriter::WavFileWriter(int fd, std::string path, int channels, int sample_rate)
    : fd_(fd), path_(std::move(path)), channels_(channels), sample_rate_(sample_rate) {
  buffer_.reserve(kBufferBytes);
}

WavFileWriter::WavFileWriter(WavFileWriter&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      channels_(other.channels_),
      sample_rate_(other.sample_rate_),
      data_bytes_(other.data_bytes_),
      buffer_(std::move(other.buffer_)) {}

WavFileWriter& WavFileWriter::operator=(WavFileWriter&& other) noexcept {
  if (this != &other) {
    if (open()) (void)finish();
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    channels_ = other.channels_;
    sample_rate_ = other.sample_rate_;
    data_bytes_ = other.data_bytes_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

WavFileWriter::~WavFileWriter() {
  if (open()) (void)finish();
}

Status WavFileWriter::fail(const char* what) {
  discard();
  return make_error("io", what);
}

void WavFileWriter::discard() {
  if (fd_ < 0) return;
  ::close(fd_);
  fd_ = -1;
  ::unlink(path_.c_str());
  buffer_.clear();
}

Status WavFileWriter::append(std::span<const std::int16_t> samples) {
  if (!open()) return make_error("io", "wav: recording file is closed");
  const std::size_t bytes = samples.size() * 2;
  if (data_bytes_ + bytes > kMaxDataBytes) return fail("wav: recording too long");
  if (buffer_.size() + bytes > kBufferBytes) {
    if (auto flushed = flush(); !flushed) return flushed;
  }
  // Little-endian 16-bit, whatever the host's order.
  for (std::int16_t s : samples) {
    const auto u = static_cast<std::uint16_t>(s);
    buffer_.push_back(static_cast<std::uint8_t>(u));
    buffer_.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  data_bytes_ += bytes;
  return Ok{};
}

Status WavFileWriter::flush() {
  if (buffer_.empty()) return Ok{};
  if (!write_all(fd_, buffer_.data(), buffer_.size())) return fail("wav: cannot write recording");
  buffer_.clear();
  return Ok{};
}

Status WavFileWriter::finish() {
  if (!open()) return make_error("io", "wav: recording file is closed");
  if (auto flushed = flush(); !flushed) return flushed;
  std::array<std::uint8_t, kHeaderBytes> h{};
  header(h, channels_, sample_rate_, static_cast<std::uint32_t>(data_bytes_));
  if (::pwrite(fd_, h.data(), h.size(), 0) != static_cast<ssize_t>(h.size()))
    return fail("wav: cannot write header");
  if (::close(fd_) != 0) {
    fd_ = -1;
    ::unlink(path_.c_str());
    return make_error("io", "wav: cannot close recording file");
  }
  fd_ = -1;
  buffer_ = {};
  return Ok{};
}

Status ensure_private_directory(const std::string& path) {
  std::error_code ec;
  std::filesystem::path dir(path);
  if (!std::filesystem::exists(dir, ec)) {
    // Parents made here get 0700 too: nothing else needs to see into them.
    std::filesystem::path built;
    for (const auto& part : dir) {
      built /= part;
      if (built.empty() || std::filesystem::exists(built, ec)) continue;
      if (::mkdir(built.c_str(), 0700) != 0 && errno != EEXIST)
        return make_error("io", "cannot create the recordings directory");
    }
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return make_error("io", "the recordings directory is not a directory");
  if ((st.st_mode & 0777) != 0700 && ::chmod(path.c_str(), 0700) != 0)
    return make_error("io", "cannot make the recordings directory private (0700)");
  return Ok{};
}

}  // namespace keyline::media
