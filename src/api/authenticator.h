// Who is calling: an API key as "Authorization: Bearer kl_..." or HTTP Basic
// with the account email as user name and the key as password (as Plum's API
// does). Every failure is the same 401 to the client, and the unknown-user and
// bad-key paths do the same work (the same two lookups and one hash), so
// timing does not reveal which emails or key ids exist.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "api/key_hasher.h"
#include "base/result.h"
#include "store/repositories.h"

namespace keyline::api {

struct Principal {
  std::int64_t user_id = 0;
  std::string email;
  store::Role role = store::Role::kViewer;
  std::string key_id;
};

class Authenticator {
 public:
  Authenticator(store::UserRepository& users, const KeyHasher& hasher)
      : users_(users), hasher_(hasher) {}

  // Error kinds: "unauthenticated" (missing or bad credentials; the message
  // never says which part was wrong) or "store".
  Result<Principal> authenticate(std::string_view authorization) const;

 private:
  Result<Principal> check(std::string_view email, std::string_view key, bool basic) const;

  store::UserRepository& users_;
  const KeyHasher& hasher_;
};

// True when `role` may do an operation that needs `needed`
// (admin > developer > viewer).
bool role_allows(store::Role role, store::Role needed);

}  // namespace keyline::api
