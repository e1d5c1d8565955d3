// Sensitive<T>: a value that must not leak. It cannot be printed, formatted,
// converted or copied by accident — there is no operator<<, no formatter, no
// to_string and no implicit conversion; reading it takes an explicit
// reveal(), copying it an explicit copy(). Its storage is wiped when it dies
// and when it is moved from, so exactly one live copy exists after a move.
//
// T is a trivially copyable type, std::string, SecureString, or a vector of
// trivially copyable elements: whatever keyline::secure_wipe can overwrite.
#pragma once

#include <utility>

#include "base/secure_wipe.h"

namespace keyline::privacy {

template <class T>
class Sensitive {
 public:
  Sensitive() = default;
  explicit Sensitive(T value) noexcept(std::is_nothrow_move_constructible_v<T>)
      : value_(std::move(value)) {
    // `value` was moved from: a small string's bytes may remain in it.
    secure_wipe(value);
  }

  Sensitive(const Sensitive&) = delete;
  Sensitive& operator=(const Sensitive&) = delete;
  Sensitive(Sensitive&& other) noexcept : value_(std::move(other.value_)) {
    secure_wipe(other.value_);
  }
  Sensitive& operator=(Sensitive&& other) noexcept {
    if (this != &other) {
      secure_wipe(value_);
      value_ = std::move(other.value_);
      secure_wipe(other.value_);
    }
    return *this;
  }
  ~Sensitive() { secure_wipe(value_); }

  // The one way to read the value: greppable, so every use can be reviewed.
  const T& reveal() const& { return value_; }
  // Writable access for filling in place (reading digits into it).
  T& reveal_mutable() & { return value_; }

  // A deliberate second copy (each is wiped on its own).
  Sensitive copy() const { return Sensitive(T(value_)); }

  // Overwrites the value now, before the object dies.
  void wipe() noexcept { secure_wipe(value_); }

 private:
  T value_{};
};

}  // namespace keyline::privacy
