// Replaces the global operator new/delete with versions that count the live heap bytes, for the
// memory benchmarks (flow_memory, dialog_memory): each adds and subtracts malloc_usable_size(),
// what the allocator really hands out, rounding included. Include it in exactly one file of a
// measuring binary; the counter is a global on purpose, it exists only in such a binary.
#pragma once

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace keyline_bench {

inline std::atomic<long long> g_live_bytes{0};

inline void* counted_alloc(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (!p) throw std::bad_alloc();
  g_live_bytes += static_cast<long long>(malloc_usable_size(p));
  return p;
}

inline void counted_free(void* p) {
  if (!p) return;
  g_live_bytes -= static_cast<long long>(malloc_usable_size(p));
  std::free(p);
}

}  // namespace keyline_bench

void* operator new(std::size_t size) { return keyline_bench::counted_alloc(size); }
void* operator new[](std::size_t size) { return keyline_bench::counted_alloc(size); }
void operator delete(void* p) noexcept { keyline_bench::counted_free(p); }
void operator delete[](void* p) noexcept { keyline_bench::counted_free(p); }
void operator delete(void* p, std::size_t) noexcept { keyline_bench::counted_free(p); }
void operator delete[](void* p, std::size_t) noexcept { keyline_bench::counted_free(p); }
