// Overwriting text that may hold a private value before its memory is
// reused: freeing alone leaves the bytes readable in the heap.
#pragma once

#include <string>

namespace keyline::speech {

// Volatile stores, so the compiler cannot drop the writes to a dying string.
inline void wipe(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

}  // namespace keyline::speech
