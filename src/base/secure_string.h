// A std::string whose heap blocks are wiped when released (every
// reallocation included) and whose own bytes are wiped when it dies. Short
// values live inside the object (small-string optimisation), where the
// allocator never sees them — hence the destructor.
#pragma once

#include <string>
#include <string_view>

#include "base/secure_wipe.h"
#include "base/wiping_allocator.h"

namespace keyline {

using SecureStringBase = std::basic_string<char, std::char_traits<char>, WipingAllocator<char>>;

class SecureString : public SecureStringBase {
 public:
  using SecureStringBase::SecureStringBase;
  SecureString() = default;
  SecureString(const SecureString&) = default;
  SecureString& operator=(const SecureString&) = default;
  // A move leaves the source wiped (its small buffer may still hold the bytes).
  SecureString(SecureString&& other) noexcept : SecureStringBase(std::move(other)) {
    secure_wipe(static_cast<SecureStringBase&>(other));
  }
  SecureString& operator=(SecureString&& other) noexcept {
    if (this != &other) {
      secure_wipe(static_cast<SecureStringBase&>(*this));
      SecureStringBase::operator=(std::move(other));
      secure_wipe(static_cast<SecureStringBase&>(other));
    }
    return *this;
  }
  ~SecureString() { secure_wipe(static_cast<SecureStringBase&>(*this)); }

  std::string_view view() const { return {data(), size()}; }
};

}  // namespace keyline
