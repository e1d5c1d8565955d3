// OpenSSL-backed AES-ICM, AES-GCM and HMAC-SHA1 for libsrtp2's crypto kernel.
//
// Debian 12's libsrtp2 is built on NSS, whose primitives set up a PKCS#11
// context for every packet (microseconds each). libsrtp lets an application
// replace a cipher or auth implementation by id; these keep libsrtp's
// protocol work (key derivation, replay, packet format) and swap only the
// primitives for OpenSSL EVP contexts keyed once per session.
//
// Part of the libsrtp2 adapter (srtp_session.cc installs them); libsrtp's
// types are only declared here so the header pulls in no libsrtp header.
#pragma once

#include <cstdint>

struct srtp_cipher_type_t;
struct srtp_auth_type_t;

namespace keyline::media::srtp_openssl {

// The replacement types, each carrying its own known-answer vectors (RFC 3711
// B.2, RFC 6188 7.1, the GCM specification's test cases 4 and 16, RFC 2202)
// that libsrtp runs before it accepts the type.
const srtp_cipher_type_t& aes_icm_128();
const srtp_cipher_type_t& aes_icm_192();
const srtp_cipher_type_t& aes_icm_256();
const srtp_cipher_type_t& aes_gcm_128();
const srtp_cipher_type_t& aes_gcm_256();
const srtp_auth_type_t& hmac_sha1();

// Replaces libsrtp's implementations of every id above. Must run after
// srtp_init() and before any session exists, from one thread (the caller
// serialises it with std::call_once). Returns libsrtp's status (0 = ok); on
// failure the types already replaced stay replaced, which is harmless: each
// one passed libsrtp's self-tests before it went in.
int install();

// For the known-answer vectors: libsrtp's test-case struct wants a mutable
// index pointer it never writes through.
inline std::uint8_t* vector_index(const std::uint8_t* bytes) {
  return const_cast<std::uint8_t*>(bytes);
}

}  // namespace keyline::media::srtp_openssl
