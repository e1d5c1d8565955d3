// Inbound digest authentication (RFC 3261 22.2 as a UAS, RFC 8760).
// Nonces are stateless: time, randomness and the source address, signed with
// an HMAC key drawn per process, so any nonce we did not issue to that
// address, or that has expired, is recognised without a table. Only the
// highest nonce-count seen per nonce is kept (bounded, expiring with the
// nonce) so a replayed request is refused. An unknown user and a wrong
// password get the same challenge after the same hashing work, so the
// answers do not reveal which users exist.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "base/secure_random.h"
#include "sip/digest.h"
#include "sip/message.h"

namespace keyline::sip {

struct DigestAuthConfig {
  std::string realm;
  std::map<std::string, std::string> users;  // user -> password (never logged)
  // Challenges in this order (RFC 8760: preferred first). Some peers (SIPp
  // 3.6) answer only the first and only MD5: put MD5 first for them.
  std::vector<DigestAlgorithm> algorithms{DigestAlgorithm::kSha256, DigestAlgorithm::kMd5};
  Millis nonce_lifetime{300000};
  std::size_t max_tracked_nonces = 100000;
};

enum class AuthVerdict {
  kOk,         // credentials verified
  kChallenge,  // no credentials for our realm: a first 401
  kStale,      // a valid nonce we issued, expired: 401 with stale=TRUE
  kFailed,     // wrong password, unknown user, replay, forged nonce: 401, counted
};

struct AuthOutcome {
  AuthVerdict verdict = AuthVerdict::kChallenge;
  std::string user;                     // set with kOk
  std::vector<std::string> challenges;  // WWW-Authenticate values for a 401
};

class DigestAuthenticator {
 public:
  // `random` fills the HMAC key and nonce randomness (tests inject one).
  static Result<std::unique_ptr<DigestAuthenticator>> create(DigestAuthConfig config,
                                                             const Clock& clock, RandomFill random);
  ~DigestAuthenticator();

  // `source` is the sending host (the IP, not the port: TCP reconnects keep it).
  AuthOutcome check(const Message& request, std::string_view source);
  std::size_t tracked_nonces() const { return nonce_counts_.size(); }

 private:
  DigestAuthenticator(DigestAuthConfig config, const Clock& clock, RandomFill random);
  std::string make_nonce(std::string_view source);
  enum class NonceState { kValid, kExpired, kForged };
  NonceState check_nonce(std::string_view nonce, std::string_view source) const;
  std::vector<std::string> challenges(bool stale, std::string_view source);
  bool accept_nonce_count(const std::string& nonce, std::uint32_t nc);
  std::int64_t now_ms() const;

  DigestAuthConfig config_;
  const Clock& clock_;
  RandomFill random_;
  std::array<std::uint8_t, 32> key_{};
  std::string dummy_password_;  // hashed for unknown users: equal work
  std::string opaque_;
  struct Tracked {
    std::uint32_t nc;
    std::int64_t expires_ms;
  };
  std::unordered_map<std::string, Tracked> nonce_counts_;
  std::deque<std::pair<std::int64_t, std::string>> expiry_order_;
};

}  // namespace keyline::sip
