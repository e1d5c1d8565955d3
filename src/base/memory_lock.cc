#include "base/memory_lock.h"

#include <sys/mman.h>
#include <unistd.h>

#include "base/secure_wipe.h"

namespace keyline {

LockedRegion::LockedRegion(std::size_t size, MemoryLockStats& stats) noexcept {
  if (size == 0) return;
  long page = sysconf(_SC_PAGESIZE);
  std::size_t page_size = page > 0 ? static_cast<std::size_t>(page) : 4096;
  std::size_t mapped = (size + page_size - 1) / page_size * page_size;
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return;
  data_ = static_cast<std::uint8_t*>(p);
  size_ = size;
  mapped_ = mapped;
#ifdef MADV_DONTDUMP
  madvise(p, mapped, MADV_DONTDUMP);  // advisory: a refusal changes nothing for the caller
#endif
  if (mlock(p, mapped) == 0) {
    locked_ = true;
    ++stats.locked;
  } else {
    ++stats.failed;
  }
}

LockedRegion::~LockedRegion() {
  if (!data_) return;
  wipe_bytes(data_, mapped_);
  if (locked_) munlock(data_, mapped_);
  munmap(data_, mapped_);
}

void LockedRegion::wipe() noexcept { wipe_bytes(data_, mapped_); }

}  // namespace keyline
