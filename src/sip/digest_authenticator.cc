#include "sip/digest_authenticator.h"

#include <algorithm>

#include "base/strings.h"
#include "sip/digest_hash.h"
#include "sip/uri.h"

namespace keyline::sip {
namespace {

constexpr std::size_t kStampBytes = 8, kRandomBytes = 8, kMacBytes = 16;
constexpr std::size_t kNonceHex = 2 * (kStampBytes + kRandomBytes + kMacBytes);

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// RFC 2617 3.2.2.5 wants the digest-uri to be the Request-URI. Some UACs
// (SIPp) put only the host there, so the same scheme, host and port count;
// the uri is inside the hash, so a response cannot be moved to another.
bool same_target(std::string_view digest_uri, std::string_view request_uri) {
  if (digest_uri == request_uri) return true;
  auto a = parse_uri(digest_uri);
  auto b = parse_uri(request_uri);
  return a && b && a->scheme == b->scheme && iequals(a->host, b->host) && a->port == b->port;
}

}  // namespace

Result<std::unique_ptr<DigestAuthenticator>> DigestAuthenticator::create(DigestAuthConfig config,
                                                                         const Clock& clock,
                                                                         RandomFill random) {
  if (config.realm.empty()) return make_error("config", "digest realm is empty");
  if (config.algorithms.empty()) return make_error("config", "no digest algorithm");
  std::unique_ptr<DigestAuthenticator> a(
      new DigestAuthenticator(std::move(config), clock, std::move(random)));
  if (auto filled = a->random_(a->key_); !filled) return filled.error();
  std::array<std::uint8_t, 16> bytes{};
  if (auto filled = a->random_(bytes); !filled) return filled.error();
  a->dummy_password_ = to_hex(bytes);
  if (auto filled = a->random_(bytes); !filled) return filled.error();
  a->opaque_ = to_hex(bytes);
  return a;
}

DigestAuthenticator::DigestAuthenticator(DigestAuthConfig config, const Clock& clock,
                                         RandomFill random)
    : config_(std::move(config)), clock_(clock), random_(std::move(random)) {}

DigestAuthenticator::~DigestAuthenticator() {
  for (auto& b : key_) reinterpret_cast<volatile std::uint8_t&>(b) = 0;
  for (auto& [user, password] : config_.users)
    for (auto& ch : password) reinterpret_cast<volatile char&>(ch) = 0;
}

std::int64_t DigestAuthenticator::now_ms() const {
  return std::chrono::duration_cast<Millis>(clock_.now().time_since_epoch()).count();
}

std::string DigestAuthenticator::make_nonce(std::string_view source) {
  std::array<std::uint8_t, kStampBytes + kRandomBytes> head{};
  auto stamp = static_cast<std::uint64_t>(now_ms());
  for (std::size_t i = 0; i < kStampBytes; ++i)
    head[i] = static_cast<std::uint8_t>(stamp >> (8 * (kStampBytes - 1 - i)));
  // Randomness failing leaves zeros: the nonce is still unforgeable (HMAC),
  // only no longer unique within one millisecond.
  (void)random_(std::span<std::uint8_t>(head.data() + kStampBytes, kRandomBytes));
  std::string head_hex = to_hex(head);
  auto mac = hmac_sha256(key_, head_hex + "|" + std::string(source));
  return head_hex + to_hex(std::span<const std::uint8_t>(mac.data(), kMacBytes));
}

DigestAuthenticator::NonceState DigestAuthenticator::check_nonce(std::string_view nonce,
                                                                 std::string_view source) const {
  if (nonce.size() != kNonceHex) return NonceState::kForged;
  for (char c : nonce)
    if (hex_value(c) < 0) return NonceState::kForged;
  std::string_view head_hex = nonce.substr(0, 2 * (kStampBytes + kRandomBytes));
  auto mac = hmac_sha256(key_, std::string(head_hex) + "|" + std::string(source));
  if (!constant_time_equal(nonce.substr(head_hex.size()),
                           to_hex(std::span<const std::uint8_t>(mac.data(), kMacBytes))))
    return NonceState::kForged;
  std::uint64_t stamp = 0;
  for (std::size_t i = 0; i < 2 * kStampBytes; ++i)
    stamp = (stamp << 4) | static_cast<std::uint64_t>(hex_value(nonce[i]));
  auto age = now_ms() - static_cast<std::int64_t>(stamp);
  if (age < 0 || age > config_.nonce_lifetime.count()) return NonceState::kExpired;
  return NonceState::kValid;
}

std::vector<std::string> DigestAuthenticator::challenges(bool stale, std::string_view source) {
  // RFC 8760 2.4: the preferred algorithm first; MD5 stays for old peers.
  std::vector<std::string> out;
  for (auto alg : config_.algorithms) {
    DigestChallenge c;
    c.realm = config_.realm;
    c.algorithm = alg;
    c.qop_auth = true;
    c.stale = stale;
    c.opaque = opaque_;
    // Each challenge has its own nonce (RFC 8760 2.4 allows either).
    c.nonce = make_nonce(source);
    out.push_back(format_challenge(c));
  }
  return out;
}

bool DigestAuthenticator::accept_nonce_count(const std::string& nonce, std::uint32_t nc) {
  std::int64_t now = now_ms();
  while (!expiry_order_.empty() &&
         (expiry_order_.front().first < now || nonce_counts_.size() > config_.max_tracked_nonces)) {
    auto it = nonce_counts_.find(expiry_order_.front().second);
    if (it != nonce_counts_.end() && it->second.expires_ms == expiry_order_.front().first)
      nonce_counts_.erase(it);
    expiry_order_.pop_front();
  }
  auto it = nonce_counts_.find(nonce);
  if (it != nonce_counts_.end()) {
    if (nc <= it->second.nc) return false;  // replayed (or reordered) request
    it->second.nc = nc;
    return true;
  }
  std::int64_t expires = now + config_.nonce_lifetime.count();
  nonce_counts_[nonce] = Tracked{nc, expires};
  expiry_order_.emplace_back(expires, nonce);
  return true;
}

AuthOutcome DigestAuthenticator::check(const Message& request, std::string_view source) {
  AuthOutcome out;
  std::optional<DigestCredentials> creds;
  for (auto value : request.header_values("Authorization")) {
    auto c = parse_digest_credentials(value);
    if (c && c->realm == config_.realm) {
      creds = std::move(c);
      break;
    }
  }
  if (!creds) {
    out.verdict = AuthVerdict::kChallenge;
    out.challenges = challenges(false, source);
    return out;
  }
  auto fail = [&] {
    out.verdict = AuthVerdict::kFailed;
    out.challenges = challenges(false, source);
    return out;
  };
  NonceState nonce = check_nonce(creds->nonce, source);
  // The hashing below runs for every credential that names our realm, known
  // user or not, valid nonce or not, so timing says nothing about the user.
  auto user = config_.users.find(creds->username);
  const std::string& password = user == config_.users.end() ? dummy_password_ : user->second;
  std::string ha1 = digest_ha1(creds->algorithm, creds->username, config_.realm, password);
  bool qop = !creds->qop.empty();
  std::string expected = digest_response(creds->algorithm, ha1, request.method, creds->uri,
                                         creds->nonce, creds->nc, creds->cnonce, creds->qop);
  bool match = constant_time_equal(expected, to_lower(creds->response));
  if (nonce == NonceState::kForged) return fail();
  // We always offer qop=auth; a response without it would drop the
  // nonce-count that makes replays detectable.
  if (!qop || !iequals(creds->qop, "auth") || creds->nc.size() != 8 || creds->cnonce.empty())
    return fail();
  if (!same_target(creds->uri, request.request_uri)) return fail();
  if (std::find(config_.algorithms.begin(), config_.algorithms.end(), creds->algorithm) ==
      config_.algorithms.end())
    return fail();
  if (!match || user == config_.users.end()) return fail();
  if (nonce == NonceState::kExpired) {
    // Right password, old nonce: ask again with stale=TRUE (no new prompt
    // for a human, RFC 2617 3.2.1).
    out.verdict = AuthVerdict::kStale;
    out.challenges = challenges(true, source);
    return out;
  }
  std::uint32_t nc = 0;
  for (char c : to_lower(creds->nc)) {
    int v = hex_value(c);
    if (v < 0) return fail();
    nc = (nc << 4) | static_cast<std::uint32_t>(v);
  }
  if (nc == 0 || !accept_nonce_count(creds->nonce, nc)) return fail();
  out.verdict = AuthVerdict::kOk;
  out.user = creds->username;
  return out;
}

}  // namespace keyline::sip
