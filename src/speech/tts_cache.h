// The cache of rendered prompts: a memory LRU (bounded by entries and bytes)
// in front of an optional disk tier (bounded by bytes, entries expire when
// unused for a time-to-live). Keys are content hashes (tts_cache_key.h).
//
// The privacy rule lives with the caller (PromptRenderer): this cache is
// never given a rendering of text that holds a private value or was marked
// exclude-from-cache. Nothing here can tell, so nothing here is asked.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/clock.h"
#include "base/result.h"
#include "media/frames.h"

namespace keyline::speech {

using SharedPrompt = std::shared_ptr<const media::EncodedPrompt>;

struct TtsCacheConfig {
  std::size_t memory_entries = 512;
  std::uint64_t memory_bytes = 64ull << 20;
  std::string disk_dir;  // empty: no disk tier
  std::uint64_t disk_max_bytes = 256ull << 20;
  // Entries unused this long are deleted (IBM Voice Gateway's default: 336 h).
  std::chrono::seconds disk_ttl = std::chrono::hours(336);
};

struct TtsCacheStats {
  std::uint64_t hits = 0;  // memory or disk
  std::uint64_t disk_hits = 0;
  std::uint64_t misses = 0;
  std::uint64_t entries = 0;  // in memory
  std::uint64_t bytes = 0;    // in memory
  std::uint64_t disk_entries = 0;
  std::uint64_t disk_bytes = 0;
  std::uint64_t disk_errors = 0;  // writes or reads that failed (the cache goes on without)
  std::uint64_t uncached = 0;     // private / exclude-from-cache renderings (never stored)
};

class TtsCache {
 public:
  // Opens (creating, mode 0700) the disk directory, removes expired entries
  // and leftovers of interrupted writes. A disk directory that cannot be
  // used is an error: the config asked for it.
  static Result<std::unique_ptr<TtsCache>> open(TtsCacheConfig config,
                                                std::shared_ptr<const Clock> clock = nullptr);
  ~TtsCache();
  TtsCache(const TtsCache&) = delete;
  TtsCache& operator=(const TtsCache&) = delete;

  // Memory only: safe on a call's worker thread (no I/O). Counts a hit, not
  // a miss (the render thread counts the miss after the disk).
  SharedPrompt find_in_memory(const std::string& hash);
  // Memory, then disk (a disk hit is promoted to memory). Blocking I/O: the
  // render thread only.
  SharedPrompt find(const std::string& hash, media::Codec codec);
  // Stores in memory and, with a disk tier, atomically on disk (0600).
  void put(const std::string& hash, SharedPrompt prompt);
  void count_uncached() { ++uncached_; }

  TtsCacheStats stats() const;
  // Prometheus text exposition lines (keyline_tts_cache_*).
  std::string prometheus_text() const;

 private:
  TtsCache(TtsCacheConfig config, std::shared_ptr<const Clock> clock);
  void remember(const std::string& hash, SharedPrompt prompt);  // mutex held
  SharedPrompt read_disk(const std::string& hash, media::Codec codec);
  void write_disk(const std::string& hash, const media::EncodedPrompt& prompt);
  void scan_disk(bool remove_expired);
  void evict_disk(std::uint64_t needed);
  std::string path_of(const std::string& hash) const;

  TtsCacheConfig config_;
  std::shared_ptr<const Clock> clock_;
  std::mutex mutex_;  // memory tier
  using Lru = std::list<std::pair<std::string, SharedPrompt>>;
  Lru lru_;  // most recent first
  std::unordered_map<std::string, Lru::iterator> index_;
  std::uint64_t memory_bytes_ = 0;
  std::mutex disk_mutex_;  // disk tier bookkeeping
  std::atomic<std::uint64_t> hits_{0}, disk_hits_{0}, misses_{0}, entries_{0}, bytes_{0},
      disk_entries_{0}, disk_bytes_{0}, disk_errors_{0}, uncached_{0};
};

// What one rendering costs in memory (frame bytes).
std::uint64_t prompt_bytes(const media::EncodedPrompt& prompt);

}  // namespace keyline::speech
