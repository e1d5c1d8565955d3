// API keys: generation and verification (the libsodium adapter; nothing else
// includes sodium.h). A key reads "kl_<key id>_<secret>": the id (8 random
// bytes, hex) finds the row, the secret (32 random bytes, hex) is checked
// against a keyed BLAKE2b hash. The hash key ("pepper") lives in a 0600 file
// in the data dir, so a stolen database alone cannot test guesses. A slow
// password hash is not needed: the secret has 256 bits of entropy, and a fast
// hash keeps every request's verification in microseconds.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace keyline::api {

struct ParsedKey {
  std::string key_id;
  std::string secret;
};

// Lower-case hex SHA-256 (libsodium's, so sodium.h stays in key_hasher.cc):
// the checksum of prompt files in an export (prompt_files.h).
std::string sha256_digest_hex(std::string_view bytes);

// Splits "kl_<16 hex>_<64 hex>"; nullopt for anything else.
std::optional<ParsedKey> parse_api_key(std::string_view key);

class KeyHasher {
 public:
  // Reads the pepper from `path`, creating it (0600) with fresh random bytes
  // when absent.
  static Result<KeyHasher> load_or_create(const std::string& path);
  explicit KeyHasher(const std::array<std::uint8_t, 32>& pepper) : pepper_(pepper) {}

  struct NewKey {
    std::string key;  // shown once to the user, never stored
    std::string key_id;
    std::string hash;
  };
  Result<NewKey> generate() const;

  std::string hash(std::string_view secret) const;  // hex
  // Constant-time comparison of hash(secret) with `stored_hash`.
  bool verify(std::string_view secret, std::string_view stored_hash) const;

 private:
  std::array<std::uint8_t, 32> pepper_;
};

}  // namespace keyline::api
