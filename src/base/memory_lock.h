// Best-effort mlock for secrets: keeps pages holding key material out of swap.
// Locking is a hardening, never a requirement — containers often run with
// RLIMIT_MEMLOCK at 64 KiB or without CAP_IPC_LOCK — so a failure is counted
// in the caller's stats (the server logs them) and the caller carries on.
#pragma once

#include <cstddef>
#include <cstdint>

namespace keyline {

struct MemoryLockStats {
  std::uint64_t locked = 0;  // successful mlock calls
  std::uint64_t failed = 0;  // mlock refused (limit, privilege): carried on unlocked
};

// A page-aligned anonymous mapping for secrets: mlock'ed when allowed,
// excluded from core dumps (MADV_DONTDUMP), wiped and unmapped on
// destruction. Whole pages of its own, so locking and unlocking never touches
// memory shared with other objects (mlock is per page and does not nest).
class LockedRegion {
 public:
  // size 0 or a failed mmap gives an empty region (data() == nullptr).
  LockedRegion(std::size_t size, MemoryLockStats& stats) noexcept;
  ~LockedRegion();
  LockedRegion(const LockedRegion&) = delete;
  LockedRegion& operator=(const LockedRegion&) = delete;

  std::uint8_t* data() noexcept { return data_; }
  const std::uint8_t* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }
  bool locked() const noexcept { return locked_; }
  void wipe() noexcept;

 private:
  std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t mapped_ = 0;
  bool locked_ = false;
};

}  // namespace keyline
