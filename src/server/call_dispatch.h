// Which worker owns a SIP message: the one its Call-ID hashes to (docs/sip.md, "Workers").
// Every message of a dialog or transaction carries the same Call-ID, so a call's requests,
// responses, ACKs and CANCELs all reach the one worker that holds its state, whichever
// worker's socket the kernel handed them to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace keyline::server {

// FNV-1a over the bytes (Call-IDs compare case-sensitively, RFC 3261 20.8), then a final mix
// so the low bits depend on every byte: stable across threads and runs, which every worker
// and every Call-ID we make ourselves must agree on.
inline std::size_t worker_for_call_id(std::string_view call_id, std::size_t workers) {
  if (workers <= 1) return 0;
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char c : call_id) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return static_cast<std::size_t>(h % workers);
}

}  // namespace keyline::server
