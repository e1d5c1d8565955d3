// Searching the server's own memory for values that must not be there (a card
// number after the call that carried it ended), without ever holding those
// values in clear.
//
// Why the process scans itself: `keyline serve` is non-dumpable, so no other
// process may read its /proc/PID/mem, and CI machines have no CAP_SYS_PTRACE
// either. A process may always read its own /proc/self/mem, so the operator's
// tool (`keyline verify-privacy`) sends the values, masked, over the
// authenticated API, and the server searches its writable mappings itself.
//
// Each value arrives as two byte strings of equal length, `masked` and `key`,
// with masked[i] ^ key[i] the value's i-th byte. The matcher compares memory
// byte by byte against that XOR, so the clear value is never formed: if the
// scan finds nothing, the scan itself has not put the value in memory.
// Results are counts only, never the bytes around a match.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.h"

namespace keyline::privacy {

// What must surround a match for it to count. Short values (a 3-digit CVV)
// appear by chance inside longer numbers; a boundary makes "737" match only
// where it is a whole number.
enum class DigitBoundary : std::uint8_t {
  kNone,   // any match counts
  kAscii,  // the bytes just before and after are not ASCII digits
  kUtf16,  // the UTF-16LE code units just before and after are not digits
};

struct MaskedProbe {
  std::vector<std::uint8_t> masked;
  std::vector<std::uint8_t> key;  // same length as masked
  DigitBoundary boundary = DigitBoundary::kNone;

  // Overwrites both halves (they are harmless apart, but need not linger).
  void wipe() noexcept;
};

// Counts occurrences of masked probes in byte buffers.
class MaskedMatcher {
 public:
  // Probes must be non-empty with key and masked of equal length (checked by
  // the caller; bad ones are ignored and never match).
  explicit MaskedMatcher(std::span<const MaskedProbe> probes);

  // Adds to counts[i] the matches of probe i that start at an offset in
  // [first, last) of `data`. Bytes outside that range are read for matches
  // that straddle it and for boundary checks, so chunked callers pass an
  // overlap and count each start once. counts.size() must equal the number
  // of probes.
  void count(std::span<const std::uint8_t> data, std::size_t first, std::size_t last,
             std::span<std::uint64_t> counts) const;

  std::size_t max_length() const { return max_length_; }
  std::size_t size() const { return probes_.size(); }

 private:
  bool matches_at(const MaskedProbe& probe, std::span<const std::uint8_t> data,
                  std::size_t at) const;

  std::span<const MaskedProbe> probes_;
  // Probe indexes by their first (unmasked) byte: one byte says nothing about
  // a value, and it spares comparing every probe at every offset.
  std::array<std::vector<std::uint16_t>, 256> by_first_{};
  std::size_t max_length_ = 0;
};

struct MemoryScanLimits {
  std::chrono::milliseconds time_limit{60000};
  std::size_t chunk_bytes = 1 << 20;
};

struct MemoryScanReport {
  std::vector<std::uint64_t> hits;     // per probe, in the order given
  std::uint64_t bytes_scanned = 0;     // bytes read and searched
  std::uint64_t bytes_unreadable = 0;  // in writable mappings, but refused by the kernel
  std::uint64_t regions = 0;           // writable mappings visited
  bool complete = true;                // false: the time limit stopped the scan
  std::chrono::milliseconds elapsed{0};
};

// Reads every writable mapping of this process through /proc/self/mem (pread
// in chunks, so a page unmapped meanwhile is an error, never a fault) and
// counts each probe. The scan's own read buffer is a mapping of its own that
// is skipped and wiped after every chunk. Fails (kind "unavailable") only when
// /proc/self/maps or /proc/self/mem cannot be opened.
Result<MemoryScanReport> scan_own_memory(std::span<const MaskedProbe> probes,
                                         const MemoryScanLimits& limits = {});

}  // namespace keyline::privacy
