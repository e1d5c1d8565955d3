#include "sdp/crypto.h"

#include "base/base64.h"
#include "base/strings.h"

namespace keyline::sdp {
namespace {

struct SuiteInfo {
  SrtpSuite suite;
  std::string_view name;
  std::size_t key_salt_length;
};

// Key and salt lengths: RFC 4568 6.2.1-2 (128-bit key, 112-bit salt) and
// RFC 7714 12 (128/256-bit key, 96-bit salt).
constexpr SuiteInfo kSuites[] = {
    {SrtpSuite::kAesCm128HmacSha1_80, "AES_CM_128_HMAC_SHA1_80", 30},
    {SrtpSuite::kAesCm128HmacSha1_32, "AES_CM_128_HMAC_SHA1_32", 30},
    {SrtpSuite::kAeadAes128Gcm, "AEAD_AES_128_GCM", 28},
    {SrtpSuite::kAeadAes256Gcm, "AEAD_AES_256_GCM", 44},
};

constexpr std::uint32_t kMaxTag = 999999999;  // RFC 4568 9.1: 1*9DIGIT

const SuiteInfo& info(SrtpSuite suite) {
  for (const auto& s : kSuites)
    if (s.suite == suite) return s;
  return kSuites[0];
}

Error crypto_error(std::string_view what) {
  // Never echo the attribute: it carries the key.
  return make_error("sdp", "malformed a=crypto: " + std::string(what));
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// "2^31" or "1048576".
bool valid_lifetime(std::string_view s) {
  if (s.substr(0, 2) == "2^") s.remove_prefix(2);
  return all_digits(s);
}

// inline:<key-salt>[|lifetime][|mki-value:mki-length]
Result<CryptoKey> parse_key_param(std::string_view param) {
  constexpr std::string_view kInline = "inline:";
  if (param.size() < kInline.size() || !iequals(param.substr(0, kInline.size()), kInline))
    return crypto_error("key method is not inline");
  auto pieces = split(param.substr(kInline.size()), '|');
  if (pieces.size() > 3) return crypto_error("too many key parameter fields");
  CryptoKey key;
  std::uint8_t decoded[SecretBytes::kCapacity];
  auto n = base64_decode(pieces[0], decoded);
  bool ok = n && *n > 0;
  if (ok) ok = key.key_salt.resize(*n);
  if (ok)
    for (std::size_t i = 0; i < *n; ++i) key.key_salt.writable()[i] = decoded[i];
  volatile std::uint8_t* scratch = decoded;
  for (std::size_t i = 0; i < sizeof decoded; ++i) scratch[i] = 0;
  if (!ok) return crypto_error("key is not base64 of a usable length");
  for (std::size_t i = 1; i < pieces.size(); ++i) {
    std::string_view field = pieces[i];
    // A colon tells the MKI from the lifetime (RFC 4568 9.2).
    if (auto colon = field.find(':'); colon != std::string_view::npos) {
      auto value = parse_int<std::uint32_t>(field.substr(0, colon));
      auto length = parse_int<int>(field.substr(colon + 1));
      if (key.mki || !value || !length || *length < 1 || *length > 128)
        return crypto_error("bad MKI");
      key.mki = *value;
      key.mki_length = *length;
    } else {
      if (key.lifetime || key.mki || !valid_lifetime(field)) return crypto_error("bad lifetime");
      key.lifetime = std::string(field);
    }
  }
  return key;
}

}  // namespace

std::string_view suite_name(SrtpSuite suite) { return info(suite).name; }

std::optional<SrtpSuite> parse_suite(std::string_view name) {
  for (const auto& s : kSuites)
    if (s.name == name) return s.suite;
  return std::nullopt;
}

std::size_t suite_key_salt_length(SrtpSuite suite) { return info(suite).key_salt_length; }

const std::vector<SrtpSuite>& all_suites() {
  static const std::vector<SrtpSuite> suites = {
      SrtpSuite::kAesCm128HmacSha1_80, SrtpSuite::kAesCm128HmacSha1_32, SrtpSuite::kAeadAes128Gcm,
      SrtpSuite::kAeadAes256Gcm};
  return suites;
}

std::string_view srtp_policy_name(SrtpPolicy policy) {
  switch (policy) {
    case SrtpPolicy::kOff:
      return "off";
    case SrtpPolicy::kOptional:
      return "optional";
    case SrtpPolicy::kMandatory:
      return "mandatory";
  }
  return "off";
}

std::optional<SrtpPolicy> parse_srtp_policy(std::string_view name) {
  if (name == "off") return SrtpPolicy::kOff;
  if (name == "optional") return SrtpPolicy::kOptional;
  if (name == "mandatory") return SrtpPolicy::kMandatory;
  return std::nullopt;
}

Result<CryptoAttribute> parse_crypto(std::string_view value) {
  auto parts = split_whitespace(trim(value));
  if (parts.size() < 3) return crypto_error("needs a tag, a suite and key parameters");
  CryptoAttribute attr;
  auto tag = all_digits(parts[0]) && parts[0].size() <= 9 ? parse_int<std::uint32_t>(parts[0])
                                                          : std::nullopt;
  if (!tag || *tag > kMaxTag) return crypto_error("bad tag");
  attr.tag = *tag;
  attr.suite = std::string(parts[1]);
  for (std::string_view param : split(parts[2], ';')) {
    auto key = parse_key_param(param);
    if (!key) return key.error();
    attr.keys.push_back(std::move(*key));
  }
  for (std::size_t i = 3; i < parts.size(); ++i) attr.session_params.emplace_back(parts[i]);
  return attr;
}

std::string format_crypto(const CryptoAttribute& attr) {
  std::string out = std::to_string(attr.tag) + " " + attr.suite + " ";
  for (std::size_t i = 0; i < attr.keys.size(); ++i) {
    const CryptoKey& key = attr.keys[i];
    if (i > 0) out += ';';
    out += "inline:" + base64_encode(key.key_salt.view());
    if (key.lifetime) out += "|" + *key.lifetime;
    if (key.mki) out += "|" + std::to_string(*key.mki) + ":" + std::to_string(key.mki_length);
  }
  for (const auto& p : attr.session_params) out += " " + p;
  return out;
}

}  // namespace keyline::sdp
