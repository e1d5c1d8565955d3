// The packets and keys that the stock-libsrtp cross-check protects on both
// sides: the reference program (srtp_stock_reference.cc, stock libsrtp2 on
// NSS) and the test (srtp_stock_crosscheck_test.cc, Keyline's libsrtp2 with
// the OpenSSL primitives). Both must build byte-identical inputs, so they
// share this header; it depends on nothing but the standard library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace keyline::srtp_reference {

// In the order of media::SrtpSuite.
constexpr int kSuiteCount = 4;
constexpr std::size_t kKeySaltLength[kSuiteCount] = {30, 30, 28, 44};

// A different master key || salt per suite and direction.
inline std::vector<std::uint8_t> key(int suite) {
  std::vector<std::uint8_t> k(kKeySaltLength[suite]);
  for (std::size_t i = 0; i < k.size(); ++i)
    k[i] = static_cast<std::uint8_t>(0x3c + 29 * i + 71 * static_cast<std::size_t>(suite));
  return k;
}

// Payload lengths around the AES block size and a full G.711 frame, so a
// keystream that carried state from one packet to the next would show.
constexpr std::size_t kPayloadLengths[] = {0, 1, 15, 16, 17, 31, 160, 161, 320, 1000, 160, 7};
constexpr std::size_t kPacketCount = sizeof kPayloadLengths / sizeof kPayloadLengths[0];

inline std::uint8_t filler(std::size_t packet, std::size_t i) {
  return static_cast<std::uint8_t>(packet * 37 + i * 11 + (i >> 3));
}

// RTP packet `n`: sequence numbers cross 65535 (so the ROC moves); packet 4
// carries a CSRC and packet 5 a header extension, which change where the
// encrypted part starts and what GCM authenticates as AAD.
inline std::vector<std::uint8_t> rtp_packet(std::size_t n) {
  const std::uint16_t sequence = static_cast<std::uint16_t>(65530 + n);
  const std::uint32_t timestamp = 0x1000u + 160u * static_cast<std::uint32_t>(n);
  const bool csrc = n == 4;
  const bool extension = n == 5;
  std::vector<std::uint8_t> p;
  p.push_back(static_cast<std::uint8_t>(0x80 | (extension ? 0x10 : 0) | (csrc ? 1 : 0)));
  p.push_back(static_cast<std::uint8_t>((n == 0 ? 0x80 : 0) | 0));  // marker on the first
  p.push_back(static_cast<std::uint8_t>(sequence >> 8));
  p.push_back(static_cast<std::uint8_t>(sequence));
  for (int shift = 24; shift >= 0; shift -= 8)
    p.push_back(static_cast<std::uint8_t>(timestamp >> shift));
  for (std::uint8_t b : {0x5e, 0xed, 0x12, 0x34}) p.push_back(b);  // SSRC
  if (csrc)
    for (std::uint8_t b : {0xca, 0xfe, 0x00, 0x01}) p.push_back(b);
  if (extension)
    for (std::uint8_t b : {0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00}) p.push_back(b);
  for (std::size_t i = 0; i < kPayloadLengths[n]; ++i) p.push_back(filler(n, i));
  return p;
}

// RTCP packet `n`: a receiver report header with the same SSRC followed by
// 4·n bytes of report content (RTCP lengths are whole words).
inline std::vector<std::uint8_t> rtcp_packet(std::size_t n) {
  std::vector<std::uint8_t> p = {0x80, 201,  0x00, static_cast<std::uint8_t>(1 + n),
                                 0x5e, 0xed, 0x12, 0x34};
  for (std::size_t i = 0; i < 4 * n; ++i) p.push_back(filler(n + 100, i));
  return p;
}

// Room libsrtp may write after a packet (tag, SRTCP index, MKI).
constexpr std::size_t kTrailerRoom = 148;

}  // namespace keyline::srtp_reference
