// Overwriting memory that held a secret before it is released or reused.
// explicit_bzero is a call the compiler may not drop, unlike a memset of
// memory that is never read again.
#pragma once

#include <string.h>  // explicit_bzero (glibc)

#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

namespace keyline {

inline void wipe_bytes(void* p, std::size_t n) noexcept {
  if (p && n) explicit_bzero(p, n);
}

// Trivially copyable values (integers, arrays of them): every byte.
template <class T>
requires std::is_trivially_copyable_v<T>
void secure_wipe(T& value) noexcept { wipe_bytes(&value, sizeof(T)); }

// Strings: every byte the string owns, spare capacity included (it may still
// hold an older, longer value), then empty.
template <class Char, class Traits, class Alloc>
void secure_wipe(std::basic_string<Char, Traits, Alloc>& s) noexcept {
  wipe_bytes(s.data(), s.capacity() * sizeof(Char));
  s.clear();
}

template <class T, class Alloc>
requires std::is_trivially_copyable_v<T>
void secure_wipe(std::vector<T, Alloc>& v) noexcept {
  wipe_bytes(v.data(), v.capacity() * sizeof(T));
  v.clear();
}

}  // namespace keyline
