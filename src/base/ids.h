// Random identifiers: SIP tags, branches, Call-IDs, call ids, SSRCs.
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace keyline {

class IdGenerator {
 public:
  IdGenerator();                            // seeded from std::random_device
  explicit IdGenerator(std::uint64_t seed);  // deterministic, for tests

  std::string token(std::size_t length = 16);  // [0-9a-z], safe in any SIP token
  std::uint32_t u32();

 private:
  std::mt19937_64 rng_;
};

}  // namespace keyline
