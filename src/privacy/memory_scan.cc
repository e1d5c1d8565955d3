#include "privacy/memory_scan.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>
#include <string_view>

#include "base/secure_wipe.h"

namespace keyline::privacy {
namespace {

bool is_digit(std::uint8_t c) { return c >= '0' && c <= '9'; }

struct Region {
  std::uintptr_t begin;
  std::uintptr_t end;
};

// Closes a descriptor on every path out.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// The read buffer: a mapping of its own, so its address range is known and can
// be left out of the scan (it holds a copy of whatever was read last), wiped
// after every chunk and unmapped at the end.
class ScanBuffer {
 public:
  explicit ScanBuffer(std::size_t size) : size_(size) {
    void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<std::uint8_t*>(p);
    // Not worth a core dump either (best effort).
    if (data_) (void)::madvise(data_, size_, MADV_DONTDUMP);
  }
  ~ScanBuffer() {
    if (!data_) return;
    wipe_bytes(data_, size_);
    ::munmap(data_, size_);
  }
  ScanBuffer(const ScanBuffer&) = delete;
  ScanBuffer& operator=(const ScanBuffer&) = delete;
  std::uint8_t* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_;
};

Result<std::string> read_whole(const char* path) {
  Fd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return make_error("unavailable", std::string("cannot open ") + path);
  std::string text;
  char chunk[8192];
  for (;;) {
    ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return make_error("unavailable", std::string("cannot read ") + path);
    if (n == 0) break;
    text.append(chunk, static_cast<std::size_t>(n));
  }
  return text;
}

// Writable mappings from /proc/self/maps ("start-end perms offset dev inode path").
std::vector<Region> writable_regions(std::string_view maps) {
  std::vector<Region> out;
  while (!maps.empty()) {
    auto eol = maps.find('\n');
    std::string_view line = maps.substr(0, eol);
    maps = eol == std::string_view::npos ? std::string_view{} : maps.substr(eol + 1);
    auto dash = line.find('-');
    auto space = line.find(' ');
    if (dash == std::string_view::npos || space == std::string_view::npos || space < dash ||
        line.size() < space + 3)
      continue;
    if (line[space + 1] != 'r' || line[space + 2] != 'w') continue;
    // Kernel pages that are not ordinary memory (reading some of them faults).
    if (line.find("[vvar") != std::string_view::npos ||
        line.find("[vsyscall]") != std::string_view::npos)
      continue;
    std::uintptr_t begin = std::stoull(std::string(line.substr(0, dash)), nullptr, 16);
    std::uintptr_t end =
        std::stoull(std::string(line.substr(dash + 1, space - dash - 1)), nullptr, 16);
    if (end > begin) out.push_back({begin, end});
  }
  return out;
}

// [begin, end) minus the hole [hole_begin, hole_end).
std::vector<Region> without(Region r, std::uintptr_t hole_begin, std::uintptr_t hole_end) {
  if (hole_end <= r.begin || hole_begin >= r.end) return {r};
  std::vector<Region> parts;
  if (hole_begin > r.begin) parts.push_back({r.begin, hole_begin});
  if (hole_end < r.end) parts.push_back({hole_end, r.end});
  return parts;
}

}  // namespace

void MaskedProbe::wipe() noexcept {
  secure_wipe(masked);
  secure_wipe(key);
}

MaskedMatcher::MaskedMatcher(std::span<const MaskedProbe> probes) : probes_(probes) {
  for (std::size_t i = 0; i < probes_.size(); ++i) {
    const auto& p = probes_[i];
    if (p.masked.empty() || p.masked.size() != p.key.size()) continue;
    by_first_[static_cast<std::uint8_t>(p.masked[0] ^ p.key[0])].push_back(
        static_cast<std::uint16_t>(i));
    max_length_ = std::max(max_length_, p.masked.size());
  }
}

bool MaskedMatcher::matches_at(const MaskedProbe& probe, std::span<const std::uint8_t> data,
                               std::size_t at) const {
  const std::size_t n = probe.masked.size();
  if (at + n > data.size()) return false;
  for (std::size_t i = 1; i < n; ++i)
    if (static_cast<std::uint8_t>(data[at + i] ^ probe.key[i]) != probe.masked[i]) return false;
  switch (probe.boundary) {
    case DigitBoundary::kNone:
      return true;
    case DigitBoundary::kAscii:
      if (at >= 1 && is_digit(data[at - 1])) return false;
      if (at + n < data.size() && is_digit(data[at + n])) return false;
      return true;
    case DigitBoundary::kUtf16:
      if (at >= 2 && is_digit(data[at - 2]) && data[at - 1] == 0) return false;
      if (at + n + 1 < data.size() && is_digit(data[at + n]) && data[at + n + 1] == 0) return false;
      return true;
  }
  return true;
}

void MaskedMatcher::count(std::span<const std::uint8_t> data, std::size_t first, std::size_t last,
                          std::span<std::uint64_t> counts) const {
  last = std::min(last, data.size());
  for (std::size_t at = first; at < last; ++at) {
    const auto& candidates = by_first_[data[at]];
    if (candidates.empty()) continue;
    for (std::uint16_t i : candidates)
      if (matches_at(probes_[i], data, at)) ++counts[i];
  }
}

Result<MemoryScanReport> scan_own_memory(std::span<const MaskedProbe> probes,
                                         const MemoryScanLimits& limits) {
  const auto start = std::chrono::steady_clock::now();
  MaskedMatcher matcher(probes);
  MemoryScanReport report;
  report.hits.assign(probes.size(), 0);
  const std::size_t chunk = std::max<std::size_t>(limits.chunk_bytes, 4096);
  // Two bytes before each chunk for the boundary check, the longest probe
  // (and its boundary) after it for matches that straddle the chunk's end.
  const std::size_t lead_max = 2;
  const std::size_t tail_max = matcher.max_length() + 2;
  ScanBuffer buffer(lead_max + chunk + tail_max);
  if (!buffer.data()) return make_error("unavailable", "cannot map the scan buffer");
  Fd mem(::open("/proc/self/mem", O_RDONLY | O_CLOEXEC));
  if (mem.get() < 0) return make_error("unavailable", "cannot open /proc/self/mem");
  auto maps = read_whole("/proc/self/maps");
  if (!maps) return maps.error();
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const auto hole_begin = reinterpret_cast<std::uintptr_t>(buffer.data());
  const auto hole_end = hole_begin + buffer.size();

  for (const Region& mapping : writable_regions(*maps)) {
    ++report.regions;
    for (const Region& r : without(mapping, hole_begin, hole_end)) {
      std::uintptr_t at = r.begin;
      while (at < r.end && report.complete) {
        if (std::chrono::steady_clock::now() - start > limits.time_limit) {
          report.complete = false;
          break;
        }
        const std::size_t want = std::min<std::size_t>(chunk, r.end - at);
        const std::size_t tail = std::min<std::size_t>(tail_max, r.end - at - want);
        std::size_t lead = std::min<std::size_t>(lead_max, at - r.begin);
        ssize_t n =
            ::pread(mem.get(), buffer.data(), lead + want + tail, static_cast<off_t>(at - lead));
        if (n <= static_cast<ssize_t>(lead) && lead > 0) {
          // The bytes before `at` may be on a page that went away: without them.
          lead = 0;
          n = ::pread(mem.get(), buffer.data(), want + tail, static_cast<off_t>(at));
        }
        if (n <= static_cast<ssize_t>(lead)) {
          // Unreadable (e.g. unmapped by another thread since maps was read):
          // skip to the next page.
          const std::size_t skip = std::min<std::size_t>(page - (at % page), r.end - at);
          report.bytes_unreadable += skip;
          at += skip;
          continue;
        }
        const std::size_t got = static_cast<std::size_t>(n);
        const std::size_t starts = std::min(want, got - lead);
        matcher.count(std::span<const std::uint8_t>(buffer.data(), got), lead, lead + starts,
                      report.hits);
        wipe_bytes(buffer.data(), got);
        report.bytes_scanned += starts;
        at += starts;
      }
    }
    if (!report.complete) break;
  }
  report.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::steady_clock::now() - start);
  return report;
}

}  // namespace keyline::privacy
