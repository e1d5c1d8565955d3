// SIP digest authentication, the pure part (RFC 3261 22.4, RFC 2617 3.2 as
// SIP uses it, RFC 8760 for SHA-256): parsing challenges and credentials,
// computing responses. No clock, no sockets: the server's nonces live in
// digest_authenticator.h, the client's answers in the user agent.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace keyline::sip {

enum class DigestAlgorithm { kMd5, kSha256 };
std::string_view digest_algorithm_name(DigestAlgorithm a);  // "MD5", "SHA-256"
std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name);
std::string digest_hash(DigestAlgorithm a, std::string_view data);  // lower-case hex

// `Digest k=v, k="quoted", ...`: parameter names lower-cased, quotes and
// escapes removed. nullopt when the scheme is not Digest or the list is
// malformed (an unterminated quote, a missing '=', a repeated name).
std::optional<std::map<std::string, std::string>> parse_digest_params(std::string_view header);

struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::string opaque;
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
  bool qop_auth = false;  // qop options include "auth"
  bool stale = false;
};
std::optional<DigestChallenge> parse_digest_challenge(std::string_view header);
std::string format_challenge(const DigestChallenge& c);

struct DigestCredentials {
  std::string username;
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;
  std::string cnonce;
  std::string nc;  // 8 hex digits with qop=auth
  std::string qop;
  std::string opaque;
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
};
std::optional<DigestCredentials> parse_digest_credentials(std::string_view header);

// request-digest of RFC 2617 3.2.2.1 (qop=auth when cnonce/nc are given;
// the RFC 2069 form without them).
std::string digest_response(DigestAlgorithm a, std::string_view ha1, std::string_view method,
                            std::string_view uri, std::string_view nonce, std::string_view nc,
                            std::string_view cnonce, std::string_view qop);
std::string digest_ha1(DigestAlgorithm a, std::string_view user, std::string_view realm,
                       std::string_view password);

// The Authorization value answering `challenge` (UAC side).
std::string make_authorization(const DigestChallenge& challenge, std::string_view user,
                               std::string_view password, std::string_view method,
                               std::string_view uri, std::string_view cnonce, unsigned nonce_count);

// Of the challenges in a 401/407, the one to answer: SHA-256 before MD5
// (RFC 8760 2.4), unknown algorithms skipped.
std::optional<DigestChallenge> pick_challenge(const std::vector<std::string_view>& headers);

}  // namespace keyline::sip
