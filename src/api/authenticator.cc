#include "api/authenticator.h"

#include <array>

#include "base/base64.h"
#include "base/strings.h"

namespace keyline::api {
namespace {

Error unauthenticated() { return make_error("unauthenticated", "missing or invalid credentials"); }

// Compared against when no key row exists, so the miss costs one hash too.
constexpr std::string_view kDummyHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

}  // namespace

bool role_allows(store::Role role, store::Role needed) {
  auto rank = [](store::Role r) {
    switch (r) {
      case store::Role::kAdmin:
        return 3;
      case store::Role::kDeveloper:
        return 2;
      case store::Role::kViewer:
        return 1;
    }
    return 0;
  };
  return rank(role) >= rank(needed);
}

Result<Principal> Authenticator::authenticate(std::string_view authorization) const {
  auto header = trim(authorization);
  auto space = header.find(' ');
  if (header.empty() || space == std::string_view::npos) return unauthenticated();
  auto scheme = header.substr(0, space);
  auto credentials = trim(header.substr(space + 1));
  if (iequals(scheme, "Bearer")) return check({}, credentials, false);
  if (!iequals(scheme, "Basic")) return unauthenticated();
  std::array<std::uint8_t, 512> decoded{};
  if (credentials.size() > 680) return unauthenticated();
  auto size = base64_decode(credentials, decoded);
  if (!size) return unauthenticated();
  std::string_view pair(reinterpret_cast<const char*>(decoded.data()), *size);
  auto colon = pair.find(':');
  if (colon == std::string_view::npos) return unauthenticated();
  return check(pair.substr(0, colon), pair.substr(colon + 1), true);
}

Result<Principal> Authenticator::check(std::string_view email, std::string_view key,
                                       bool basic) const {
  auto parsed = parse_api_key(key);
  if (!parsed) return unauthenticated();  // the shape of a key is no secret
  // Work done for every well-formed key, found or not: a user lookup, a key
  // lookup and one keyed hash.
  std::optional<store::UserRecord> by_email;
  if (basic) {
    auto found = users_.find_by_email(std::string(email));
    if (!found) return found.error();
    by_email = *found;
  }
  auto key_row = users_.find_key(parsed->key_id);
  if (!key_row) return key_row.error();
  std::string_view stored = *key_row ? std::string_view((*key_row)->hash) : kDummyHash;
  bool hash_ok = hasher_.verify(parsed->secret, stored);
  std::optional<store::UserRecord> owner;
  if (!basic) {
    auto found = users_.find_by_id(*key_row ? (*key_row)->user_id : -1);
    if (!found) return found.error();
    owner = *found;
  } else {
    owner = by_email;
  }
  bool ok =
      hash_ok && *key_row && !(*key_row)->revoked && owner && owner->id == (*key_row)->user_id;
  if (!ok) return unauthenticated();
  return Principal{owner->id, owner->email, owner->role, parsed->key_id};
}

}  // namespace keyline::api
