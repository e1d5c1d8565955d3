// SDES: the a=crypto attribute (RFC 4568) that carries SRTP keys inside SDP,
// and the SRTP suites and policy Keyline negotiates. Pure: text in, values out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/secret_bytes.h"

namespace keyline::sdp {

// The suites we implement (RFC 4568 6.2, RFC 7714 12).
enum class SrtpSuite {
  kAesCm128HmacSha1_80,
  kAesCm128HmacSha1_32,
  kAeadAes128Gcm,
  kAeadAes256Gcm,
};

std::string_view suite_name(SrtpSuite suite);  // "AES_CM_128_HMAC_SHA1_80", ...
std::optional<SrtpSuite> parse_suite(std::string_view name);
// Bytes of master key || master salt that inline: carries (30, 30, 28, 44).
std::size_t suite_key_salt_length(SrtpSuite suite);
// Every suite we support, in the order we prefer to offer them.
const std::vector<SrtpSuite>& all_suites();

// Whether a stream must, may or must not be encrypted.
enum class SrtpPolicy { kOff, kOptional, kMandatory };

std::string_view srtp_policy_name(SrtpPolicy policy);  // "off", "optional", "mandatory"
std::optional<SrtpPolicy> parse_srtp_policy(std::string_view name);

// One inline: key parameter: key-salt ["|" lifetime] ["|" MKI ":" length].
struct CryptoKey {
  SecretBytes key_salt;                 // decoded
  std::optional<std::string> lifetime;  // as written, e.g. "2^31"
  std::optional<std::uint32_t> mki;     // MKI value ...
  int mki_length = 0;                   // ... and its length on the wire in bytes
};

// a=crypto:<tag> <suite> <key-params> [<session-params>]
struct CryptoAttribute {
  std::uint32_t tag = 0;        // 1-999999999
  std::string suite;            // as written; may name a suite we do not implement
  std::vector<CryptoKey> keys;  // one or more, ";"-separated in the text
  std::vector<std::string> session_params;

  // The suite when we implement it; nullopt otherwise.
  std::optional<SrtpSuite> known_suite() const { return parse_suite(suite); }
};

// What an SDES negotiation agreed: the suite and both directions' master
// key||salt. Wiped when it dies (SecretBytes).
struct SrtpKeys {
  SrtpSuite suite = SrtpSuite::kAesCm128HmacSha1_80;
  std::uint32_t tag = 0;   // the a=crypto tag both sides used
  SecretBytes local_key;   // we encrypt what we send with it (our a=crypto)
  SecretBytes remote_key;  // the peer encrypts what it sends with it (its a=crypto)
};

// Parses the attribute value after "crypto:". The key is base64-decoded into
// SecretBytes; errors (kind "sdp") never quote the text, which holds a key.
Result<CryptoAttribute> parse_crypto(std::string_view value);

// The attribute value without "crypto:" (the key base64-encoded again).
std::string format_crypto(const CryptoAttribute& attr);

}  // namespace keyline::sdp
