// Overwriting text that may hold a private value before its memory is
// reused: freeing alone leaves the bytes readable in the heap.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace keyline::speech {

// Volatile stores, so the compiler cannot drop the writes to a dying string.
inline void wipe(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

// The caller's audio: every sample up to the capacity (an erase from the
// front leaves stale samples past the size), then empty.
inline void wipe_samples(std::vector<std::int16_t>& v) {
  v.resize(v.capacity());
  volatile std::int16_t* p = v.data();
  for (std::size_t i = 0; i < v.size(); ++i) p[i] = 0;
  v.clear();
}

}  // namespace keyline::speech
