#include "sip/digest.h"

#include <cstdio>

#include "base/strings.h"
#include "sip/digest_hash.h"

namespace keyline::sip {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string quote(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

std::string_view digest_algorithm_name(DigestAlgorithm a) {
  return a == DigestAlgorithm::kSha256 ? "SHA-256" : "MD5";
}

std::optional<DigestAlgorithm> parse_digest_algorithm(std::string_view name) {
  if (name.empty() || iequals(name, "MD5")) return DigestAlgorithm::kMd5;
  if (iequals(name, "SHA-256")) return DigestAlgorithm::kSha256;
  return std::nullopt;  // the -sess variants and SHA-512-256 are not offered
}

std::string digest_hash(DigestAlgorithm a, std::string_view data) {
  return a == DigestAlgorithm::kSha256 ? sha256_hex(data) : md5_hex(data);
}

std::optional<std::map<std::string, std::string>> parse_digest_params(std::string_view header) {
  std::size_t i = 0;
  while (i < header.size() && is_space(header[i])) ++i;
  if (header.size() - i < 6 || !iequals(header.substr(i, 6), "Digest")) return std::nullopt;
  i += 6;
  if (i < header.size() && !is_space(header[i])) return std::nullopt;
  std::map<std::string, std::string> params;
  for (;;) {
    while (i < header.size() && (is_space(header[i]) || header[i] == ',')) ++i;
    if (i >= header.size()) break;
    std::size_t name_start = i;
    while (i < header.size() && header[i] != '=' && header[i] != ',' && !is_space(header[i])) ++i;
    std::string name = to_lower(header.substr(name_start, i - name_start));
    while (i < header.size() && is_space(header[i])) ++i;
    if (name.empty() || i >= header.size() || header[i] != '=') return std::nullopt;
    ++i;
    while (i < header.size() && is_space(header[i])) ++i;
    std::string value;
    if (i < header.size() && header[i] == '"') {
      ++i;
      bool closed = false;
      while (i < header.size()) {
        char c = header[i++];
        if (c == '\\' && i < header.size()) {
          value += header[i++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return std::nullopt;
    } else {
      std::size_t start = i;
      while (i < header.size() && header[i] != ',' && !is_space(header[i])) ++i;
      value = std::string(header.substr(start, i - start));
    }
    if (!params.emplace(std::move(name), std::move(value)).second) return std::nullopt;
    while (i < header.size() && is_space(header[i])) ++i;
    if (i < header.size() && header[i] != ',') return std::nullopt;
  }
  return params;
}

std::optional<DigestChallenge> parse_digest_challenge(std::string_view header) {
  auto p = parse_digest_params(header);
  if (!p || !p->count("realm") || !p->count("nonce")) return std::nullopt;
  DigestChallenge c;
  c.realm = (*p)["realm"];
  c.nonce = (*p)["nonce"];
  c.opaque = p->count("opaque") ? (*p)["opaque"] : "";
  auto alg = parse_digest_algorithm(p->count("algorithm") ? (*p)["algorithm"] : "");
  if (!alg) return std::nullopt;
  c.algorithm = *alg;
  if (p->count("qop"))
    for (auto opt : split((*p)["qop"], ','))
      if (iequals(trim(opt), "auth")) c.qop_auth = true;
  c.stale = p->count("stale") && iequals((*p)["stale"], "true");
  return c;
}

std::string format_challenge(const DigestChallenge& c) {
  std::string out = "Digest realm=" + quote(c.realm) + ", nonce=" + quote(c.nonce);
  if (!c.opaque.empty()) out += ", opaque=" + quote(c.opaque);
  out += ", algorithm=" + std::string(digest_algorithm_name(c.algorithm));
  if (c.qop_auth) out += ", qop=\"auth\"";
  if (c.stale) out += ", stale=TRUE";
  return out;
}

std::optional<DigestCredentials> parse_digest_credentials(std::string_view header) {
  auto p = parse_digest_params(header);
  if (!p) return std::nullopt;
  auto get = [&](const char* k) { return p->count(k) ? (*p)[k] : std::string(); };
  DigestCredentials c;
  c.username = get("username");
  c.realm = get("realm");
  c.nonce = get("nonce");
  c.uri = get("uri");
  c.response = get("response");
  c.cnonce = get("cnonce");
  c.nc = get("nc");
  c.qop = get("qop");
  c.opaque = get("opaque");
  auto alg = parse_digest_algorithm(get("algorithm"));
  if (!alg || c.username.empty() || c.nonce.empty() || c.uri.empty() || c.response.empty())
    return std::nullopt;
  c.algorithm = *alg;
  return c;
}

std::string digest_ha1(DigestAlgorithm a, std::string_view user, std::string_view realm,
                       std::string_view password) {
  std::string data;
  data.reserve(user.size() + realm.size() + password.size() + 2);
  data.append(user).append(":").append(realm).append(":").append(password);
  std::string ha1 = digest_hash(a, data);
  // The concatenation held the password: overwrite it before it is freed.
  for (auto& ch : data) reinterpret_cast<volatile char&>(ch) = 0;
  return ha1;
}

std::string digest_response(DigestAlgorithm a, std::string_view ha1, std::string_view method,
                            std::string_view uri, std::string_view nonce, std::string_view nc,
                            std::string_view cnonce, std::string_view qop) {
  std::string ha2 = digest_hash(a, std::string(method) + ":" + std::string(uri));
  std::string data = std::string(ha1) + ":" + std::string(nonce) + ":";
  if (!qop.empty())
    data += std::string(nc) + ":" + std::string(cnonce) + ":" + std::string(qop) + ":";
  return digest_hash(a, data + ha2);
}

std::string make_authorization(const DigestChallenge& challenge, std::string_view user,
                               std::string_view password, std::string_view method,
                               std::string_view uri, std::string_view cnonce,
                               unsigned nonce_count) {
  char nc[16];
  std::snprintf(nc, sizeof nc, "%08x", nonce_count);
  std::string ha1 = digest_ha1(challenge.algorithm, user, challenge.realm, password);
  std::string qop = challenge.qop_auth ? "auth" : "";
  std::string response = digest_response(challenge.algorithm, ha1, method, uri, challenge.nonce,
                                         qop.empty() ? "" : nc, qop.empty() ? "" : cnonce, qop);
  std::string out = "Digest username=" + quote(user) + ", realm=" + quote(challenge.realm) +
                    ", nonce=" + quote(challenge.nonce) + ", uri=" + quote(uri) +
                    ", response=" + quote(response) +
                    ", algorithm=" + std::string(digest_algorithm_name(challenge.algorithm));
  if (!qop.empty()) out += ", qop=auth, nc=" + std::string(nc) + ", cnonce=" + quote(cnonce);
  if (!challenge.opaque.empty()) out += ", opaque=" + quote(challenge.opaque);
  return out;
}

std::optional<DigestChallenge> pick_challenge(const std::vector<std::string_view>& headers) {
  std::optional<DigestChallenge> md5;
  for (auto h : headers) {
    auto c = parse_digest_challenge(h);
    if (!c) continue;
    if (c->algorithm == DigestAlgorithm::kSha256) return c;
    if (!md5) md5 = c;
  }
  return md5;
}

}  // namespace keyline::sip
