// SRTP/SRTCP protection for one call's stream (RFC 3711, RFC 7714), the only
// place that talks to libsrtp2. Keys come in as SecretBytes (master key ||
// master salt, as SDES carried them) and are wiped here and inside libsrtp
// when the session dies. Packets are protected and unprotected in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/result.h"
#include "base/secret_bytes.h"

namespace keyline::media {

// Mirrors sdp::SrtpSuite; media does not depend on sdp, the server maps one
// to the other.
enum class SrtpSuite {
  kAesCm128HmacSha1_80,
  kAesCm128HmacSha1_32,
  kAeadAes128Gcm,
  kAeadAes256Gcm,
};

// Bytes of master key || salt each suite expects (30, 30, 28, 44).
std::size_t srtp_key_salt_length(SrtpSuite suite);

// Room protect_* needs beyond the packet. Without MKI it appends at most a
// 16-byte tag plus SRTCP's 4-byte E flag and index, but libsrtp's contract is
// SRTP_MAX_TRAILER_LEN (tag + the longest MKI) after the packet, so we honour
// that (checked against the header in the .cc).
constexpr std::size_t kSrtpMaxOverhead = 148;

struct SrtpConfig {
  SrtpSuite suite = SrtpSuite::kAesCm128HmacSha1_80;
  SecretBytes send_key;     // ours: what we protect with
  SecretBytes receive_key;  // the peer's: what we unprotect with
};

// Why a received packet was dropped. Each is counted; none is fatal.
struct SrtpStats {
  std::uint64_t auth_failures = 0;  // tampered, or a wrong or stale key
  std::uint64_t replays = 0;        // an index seen before, or too old for the window
  std::uint64_t other_errors = 0;   // too short, or a libsrtp error
};

// Error kinds of unprotect_*: "srtp_auth", "srtp_replay", "srtp".
class SrtpSession {
 public:
  // Fails (kind "srtp") for a key of the wrong length or when libsrtp cannot
  // be initialised.
  static Result<std::unique_ptr<SrtpSession>> create(const SrtpConfig& config);
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // `buffer` holds an RTP/RTCP packet in its first `length` bytes and has room
  // for kSrtpMaxOverhead more. Returns the protected length.
  Result<std::size_t> protect_rtp(std::span<std::uint8_t> buffer, std::size_t length);
  Result<std::size_t> protect_rtcp(std::span<std::uint8_t> buffer, std::size_t length);
  // Verifies and decrypts the first `length` bytes of `buffer` in place.
  // Returns the plain length.
  Result<std::size_t> unprotect_rtp(std::span<std::uint8_t> buffer, std::size_t length);
  Result<std::size_t> unprotect_rtcp(std::span<std::uint8_t> buffer, std::size_t length);

  SrtpSuite suite() const { return suite_; }
  const SrtpStats& stats() const { return stats_; }

 private:
  struct Contexts;  // libsrtp's srtp_t pair, kept out of this header
  SrtpSession(SrtpSuite suite, std::unique_ptr<Contexts> contexts);
  Result<std::size_t> protect(bool rtcp, std::span<std::uint8_t> buffer, std::size_t length);
  Result<std::size_t> unprotect(bool rtcp, std::span<std::uint8_t> buffer, std::size_t length);

  SrtpSuite suite_;
  std::unique_ptr<Contexts> contexts_;
  SrtpStats stats_;
};

}  // namespace keyline::media
