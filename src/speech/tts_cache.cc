#include "speech/tts_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace keyline::speech {
namespace {

namespace fs = std::filesystem;

// File layout: magic, codec byte, 3 zero bytes, frame size and frame count
// (u32 little-endian), then the frames. Nothing else: no text, no voice.
constexpr char kMagic[8] = {'K', 'L', 'T', 'T', 'S', '0', '1', '\n'};
constexpr std::size_t kHeaderBytes = 20;
constexpr std::size_t kMaxFrameBytes = 4096;
constexpr std::uint32_t kMaxFrames = 1u << 20;  // ~5.8 hours of 20 ms frames
constexpr const char* kSuffix = ".tts";

void put_u32(std::uint8_t* p, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}
std::uint32_t get_u32(const std::uint8_t* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(p[i]) << (8 * i);
  return v;
}

timespec to_timespec(std::chrono::system_clock::time_point t) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch());
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(ns.count() / 1000000000);
  ts.tv_nsec = static_cast<long>(ns.count() % 1000000000);
  return ts;
}

std::chrono::system_clock::time_point mtime_of(const struct stat& st) {
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::seconds(st.st_mtim.tv_sec) + std::chrono::nanoseconds(st.st_mtim.tv_nsec)));
}

bool write_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

bool is_hash_name(const std::string& name) {
  const std::string_view suffix = kSuffix;
  if (name.size() != 64 + suffix.size() || !name.ends_with(suffix)) return false;
  return std::all_of(name.begin(), name.begin() + 64,
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

std::uint64_t prompt_bytes(const media::EncodedPrompt& prompt) {
  return static_cast<std::uint64_t>(prompt.frames.size()) * prompt.frames.frame_bytes();
}

Result<std::unique_ptr<TtsCache>> TtsCache::open(TtsCacheConfig config,
                                                 std::shared_ptr<const Clock> clock) {
  if (!clock) clock = std::make_shared<SystemClock>();
  std::unique_ptr<TtsCache> cache(new TtsCache(std::move(config), std::move(clock)));
  const std::string& dir = cache->config_.disk_dir;
  if (!dir.empty()) {
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
      // Only the server's user may read cached prompts: they are the app's words.
      const fs::path parent = fs::path(dir).parent_path();
      if (!parent.empty()) fs::create_directories(parent, ec);
      if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return make_error("tts", "tts cache directory " + dir + ": " + std::strerror(errno));
    }
    if (!fs::is_directory(dir, ec))
      return make_error("tts", "tts cache directory " + dir + ": not a directory");
    ::chmod(dir.c_str(), 0700);  // best effort: it may belong to another user
    if (::access(dir.c_str(), R_OK | W_OK | X_OK) != 0)
      return make_error("tts", "tts cache directory " + dir + ": not writable");
    cache->scan_disk(true);
  }
  return cache;
}

TtsCache::TtsCache(TtsCacheConfig config, std::shared_ptr<const Clock> clock)
    : config_(std::move(config)), clock_(std::move(clock)) {}

TtsCache::~TtsCache() = default;

std::string TtsCache::path_of(const std::string& hash) const {
  return (fs::path(config_.disk_dir) / (hash + kSuffix)).string();
}

SharedPrompt TtsCache::find_in_memory(const std::string& hash) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(hash);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  ++hits_;
  return it->second->second;
}

SharedPrompt TtsCache::find(const std::string& hash, media::Codec codec) {
  if (auto p = find_in_memory(hash)) return p;
  if (!config_.disk_dir.empty()) {
    if (auto p = read_disk(hash, codec)) {
      ++hits_;
      ++disk_hits_;
      std::lock_guard lock(mutex_);
      remember(hash, p);
      return p;
    }
  }
  ++misses_;
  return nullptr;
}

void TtsCache::put(const std::string& hash, SharedPrompt prompt) {
  if (!prompt || hash.empty()) return;
  {
    std::lock_guard lock(mutex_);
    remember(hash, prompt);
  }
  if (!config_.disk_dir.empty()) write_disk(hash, *prompt);
}

void TtsCache::remember(const std::string& hash, SharedPrompt prompt) {
  const std::uint64_t size = prompt_bytes(*prompt);
  if (config_.memory_entries == 0 || size > config_.memory_bytes) return;
  if (auto it = index_.find(hash); it != index_.end()) {
    memory_bytes_ -= prompt_bytes(*it->second->second);
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.emplace_front(hash, std::move(prompt));
  index_[hash] = lru_.begin();
  memory_bytes_ += size;
  while (lru_.size() > config_.memory_entries || memory_bytes_ > config_.memory_bytes) {
    memory_bytes_ -= prompt_bytes(*lru_.back().second);
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
  entries_ = lru_.size();
  bytes_ = memory_bytes_;
}

SharedPrompt TtsCache::read_disk(const std::string& hash, media::Codec codec) {
  std::lock_guard lock(disk_mutex_);
  const std::string path = path_of(hash);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return nullptr;
  struct stat st {};
  std::vector<std::uint8_t> bytes;
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
            static_cast<std::uint64_t>(st.st_size) <= kHeaderBytes + kMaxFrameBytes * 64ull * 1024;
  const auto now = clock_->wall_now();
  const bool expired = ok && now - mtime_of(st) > config_.disk_ttl;
  if (ok && !expired) {
    bytes.resize(static_cast<std::size_t>(st.st_size));
    std::size_t got = 0;
    while (got < bytes.size()) {
      const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    ok = got == bytes.size();
  }
  if (ok && !expired) {
    // Used again: the time-to-live counts from now.
    const timespec times[2] = {to_timespec(now), to_timespec(now)};
    ::futimens(fd, times);
  }
  ::close(fd);

  std::shared_ptr<media::EncodedPrompt> prompt;
  if (ok && !expired && bytes.size() >= kHeaderBytes &&
      std::equal(kMagic, kMagic + 8, bytes.begin()) &&
      bytes[8] == static_cast<std::uint8_t>(codec)) {
    const std::uint32_t frame_bytes = get_u32(&bytes[12]);
    const std::uint32_t frames = get_u32(&bytes[16]);
    if (frame_bytes > 0 && frame_bytes <= kMaxFrameBytes && frames <= kMaxFrames &&
        bytes.size() == kHeaderBytes + std::uint64_t{frame_bytes} * frames) {
      prompt = std::make_shared<media::EncodedPrompt>();
      prompt->codec = codec;
      prompt->frames = media::FrameList(frame_bytes);
      prompt->frames.reserve(frames);
      for (std::uint32_t i = 0; i < frames; ++i)
        prompt->frames.push_back(std::span<const std::uint8_t>(bytes).subspan(
            kHeaderBytes + std::size_t{i} * frame_bytes, frame_bytes));
    }
  }
  if (!prompt) {
    // Expired, damaged or for another codec under the same name (not possible
    // unless tampered with): drop it so the next write replaces it.
    if (::unlink(path.c_str()) == 0) {
      disk_bytes_ -= std::min<std::uint64_t>(disk_bytes_, static_cast<std::uint64_t>(st.st_size));
      if (disk_entries_ > 0) --disk_entries_;
    }
    if (!expired && ok) ++disk_errors_;
    return nullptr;
  }
  return prompt;
}

void TtsCache::write_disk(const std::string& hash, const media::EncodedPrompt& prompt) {
  const std::uint64_t size = kHeaderBytes + prompt_bytes(prompt);
  if (size > config_.disk_max_bytes || prompt.frames.size() > kMaxFrames ||
      prompt.frames.frame_bytes() > kMaxFrameBytes || prompt.frames.frame_bytes() == 0)
    return;
  std::lock_guard lock(disk_mutex_);
  const std::string path = path_of(hash);
  struct stat existing {};
  if (::stat(path.c_str(), &existing) == 0) return;  // another rendering got there first
  if (disk_bytes_ + size > config_.disk_max_bytes) evict_disk(size);

  std::vector<std::uint8_t> bytes(kHeaderBytes, 0);
  std::copy(kMagic, kMagic + 8, bytes.begin());
  bytes[8] = static_cast<std::uint8_t>(prompt.codec);
  put_u32(&bytes[12], static_cast<std::uint32_t>(prompt.frames.frame_bytes()));
  put_u32(&bytes[16], static_cast<std::uint32_t>(prompt.frames.size()));
  for (std::size_t i = 0; i < prompt.frames.size(); ++i) {
    auto f = prompt.frames[i];
    bytes.insert(bytes.end(), f.begin(), f.end());
  }
  // Written under a temporary name and renamed: a reader sees the whole file
  // or none, even if the server dies mid-write.
  const std::string tmp = path + ".tmp" + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    ++disk_errors_;
    return;
  }
  const auto now = to_timespec(clock_->wall_now());
  const timespec times[2] = {now, now};
  bool ok =
      write_all(fd, bytes.data(), bytes.size()) && ::fsync(fd) == 0 && ::futimens(fd, times) == 0;
  ok = ::close(fd) == 0 && ok;
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    ++disk_errors_;
    return;
  }
  ++disk_entries_;
  disk_bytes_ += size;
}

void TtsCache::scan_disk(bool remove_expired) {
  std::lock_guard lock(disk_mutex_);
  std::uint64_t entries = 0, bytes = 0;
  std::error_code ec;
  const auto now = clock_->wall_now();
  for (const auto& e : fs::directory_iterator(config_.disk_dir, ec)) {
    const std::string name = e.path().filename().string();
    struct stat st {};
    if (::lstat(e.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
    if (name.size() > 68 && is_hash_name(name.substr(0, 68)) &&
        name.substr(68).starts_with(".tmp")) {
      ::unlink(e.path().c_str());  // an interrupted write
      continue;
    }
    if (!is_hash_name(name)) continue;  // not ours: leave it alone
    if (remove_expired && now - mtime_of(st) > config_.disk_ttl) {
      ::unlink(e.path().c_str());
      continue;
    }
    ++entries;
    bytes += static_cast<std::uint64_t>(st.st_size);
  }
  disk_entries_ = entries;
  disk_bytes_ = bytes;
}

void TtsCache::evict_disk(std::uint64_t needed) {
  // Oldest use first (mtime is touched on every hit). disk_mutex_ is held.
  struct File {
    std::chrono::system_clock::time_point used;
    std::string path;
    std::uint64_t size;
  };
  std::vector<File> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(config_.disk_dir, ec)) {
    struct stat st {};
    if (!is_hash_name(e.path().filename().string()) || ::lstat(e.path().c_str(), &st) != 0 ||
        !S_ISREG(st.st_mode))
      continue;
    files.push_back({mtime_of(st), e.path().string(), static_cast<std::uint64_t>(st.st_size)});
  }
  std::sort(files.begin(), files.end(),
            [](const File& a, const File& b) { return a.used < b.used; });
  std::uint64_t total = 0;
  for (const auto& f : files) total += f.size;
  for (const auto& f : files) {
    if (total + needed <= config_.disk_max_bytes) break;
    if (::unlink(f.path.c_str()) == 0) total -= f.size;
  }
  std::uint64_t entries = 0;
  for (const auto& f : files) entries += ::access(f.path.c_str(), F_OK) == 0 ? 1 : 0;
  disk_entries_ = entries;
  disk_bytes_ = total;
}

TtsCacheStats TtsCache::stats() const {
  TtsCacheStats s;
  s.hits = hits_;
  s.disk_hits = disk_hits_;
  s.misses = misses_;
  s.entries = entries_;
  s.bytes = bytes_;
  s.disk_entries = disk_entries_;
  s.disk_bytes = disk_bytes_;
  s.disk_errors = disk_errors_;
  s.uncached = uncached_;
  return s;
}

std::string TtsCache::prometheus_text() const {
  const TtsCacheStats s = stats();
  auto line = [](const char* name, const char* type, const char* help, std::uint64_t value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  return line("keyline_tts_cache_hits_total", "counter", "Prompt renderings served from the cache.",
              s.hits) +
         line("keyline_tts_cache_disk_hits_total", "counter",
              "Cache hits served from the disk tier.", s.disk_hits) +
         line("keyline_tts_cache_misses_total", "counter", "Cacheable prompts synthesized.",
              s.misses) +
         line("keyline_tts_cache_uncached_total", "counter",
              "Private or do-not-cache prompts synthesized and discarded.", s.uncached) +
         line("keyline_tts_cache_entries", "gauge", "Renderings in the memory tier.", s.entries) +
         line("keyline_tts_cache_bytes", "gauge", "Bytes of audio in the memory tier.", s.bytes) +
         line("keyline_tts_cache_disk_entries", "gauge", "Renderings in the disk tier.",
              s.disk_entries) +
         line("keyline_tts_cache_disk_bytes", "gauge", "Bytes in the disk tier.", s.disk_bytes) +
         line("keyline_tts_cache_disk_errors_total", "counter",
              "Disk tier reads or writes that failed.", s.disk_errors);
}

}  // namespace keyline::speech
