// RFC 4648 base64 (standard alphabet), as SDES carries keys in a=crypto
// (RFC 4568 6.1). Decoding writes into caller-owned storage so key bytes never
// pass through a temporary that nobody wipes.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace keyline {

// With '=' padding.
std::string base64_encode(std::span<const std::uint8_t> bytes);

// Decodes into `out`; returns the number of bytes written, or nullopt for a
// character outside the alphabet, bad padding, or output that does not fit.
// Missing padding is accepted (some peers strip it).
std::optional<std::size_t> base64_decode(std::string_view text, std::span<std::uint8_t> out);

}  // namespace keyline
