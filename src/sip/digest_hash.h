// The hashes SIP digest authentication needs (RFC 3261 22.4, RFC 8760),
// computed by OpenSSL's libcrypto behind this one file.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace keyline::sip {

std::string md5_hex(std::string_view data);
std::string sha256_hex(std::string_view data);
std::array<std::uint8_t, 32> hmac_sha256(std::span<const std::uint8_t> key, std::string_view data);
// Compares without an early exit, so the time taken does not reveal how
// many leading characters matched.
bool constant_time_equal(std::string_view a, std::string_view b);
std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace keyline::sip
