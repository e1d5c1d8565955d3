// An allocator that overwrites every block before handing it back to the heap,
// so a secret held in a container does not outlive the container in freed
// memory — including the intermediate buffers a growing string leaves behind,
// which no wipe of the final string could reach.
#pragma once

#include <cstddef>
#include <memory>

#include "base/secure_wipe.h"

namespace keyline {

// The default hooks do nothing; tests plug in hooks that look at a block
// after it was wiped and before it is freed (the only way to observe it
// without reading freed memory).
struct NoWipeHooks {
  static void after_wipe(const void*, std::size_t) noexcept {}
};

template <class T, class Hooks = NoWipeHooks>
class WipingAllocator {
 public:
  using value_type = T;
  template <class U>
  struct rebind {
    using other = WipingAllocator<U, Hooks>;
  };

  WipingAllocator() noexcept = default;
  template <class U>
  WipingAllocator(const WipingAllocator<U, Hooks>&) noexcept {}  // NOLINT: rebinding

  T* allocate(std::size_t n) { return std::allocator<T>{}.allocate(n); }
  void deallocate(T* p, std::size_t n) noexcept {
    wipe_bytes(p, n * sizeof(T));
    Hooks::after_wipe(p, n * sizeof(T));
    std::allocator<T>{}.deallocate(p, n);
  }

  // Stateless: any instance frees what another allocated.
  template <class U>
  friend bool operator==(const WipingAllocator&, const WipingAllocator<U, Hooks>&) noexcept {
    return true;
  }
};

}  // namespace keyline
