// Cryptographically secure random bytes for key material, from the kernel's
// CSPRNG (getrandom(2)). IdGenerator's mt19937 is for identifiers only: its
// output is predictable from a few samples and must never become a key.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "base/result.h"

namespace keyline {

// Fills `out` completely or fails (kind "random"); never returns partial output.
Status fill_secure_random(std::span<std::uint8_t> out);

// Where key material comes from; tests substitute a deterministic source.
using RandomFill = std::function<Status(std::span<std::uint8_t>)>;

}  // namespace keyline
