// Overwriting call data before its memory is released: a private value (card number, PIN)
// must not survive the call in freed heap memory.
#pragma once

#include <string>

namespace keyline::flow {

// Zeroes every byte the string owns — including spare capacity, which may still hold an
// older, longer value — then empties it. The volatile writes keep the compiler from dropping
// stores it can prove are never read.
inline void secure_wipe(std::string& s) {
  s.resize(s.capacity());
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = '\0';
  s.clear();
}

}  // namespace keyline::flow
