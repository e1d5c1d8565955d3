// No default secrets: the first start of an API with no admin user creates
// one (admin@localhost) with a fresh API key, which the caller prints once.
// Only the key's keyed hash is stored (api/key_hasher.h), and the creation is
// an audit-log entry. Later starts find the admin and create nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>

#include "api/key_hasher.h"
#include "base/result.h"
#include "server/apikey_command.h"
#include "store/database.h"
#include "store/repositories.h"

namespace keyline::server {

inline constexpr const char* kFirstAdminEmail = "admin@localhost";

// Runs its argument in one transaction of the database the repositories use.
using RunInTransaction = std::function<Status(const std::function<Status()>&)>;

// The new key when one was created, nullopt when an admin exists already.
Result<std::optional<CreatedKey>> create_first_admin_key(const RunInTransaction& transaction,
                                                         store::UserRepository& users,
                                                         store::AuditLog& audit,
                                                         const api::KeyHasher& hasher,
                                                         std::int64_t now_unix_ms);
// The same on a SQLite database.
Result<std::optional<CreatedKey>> create_first_admin_key(store::Database& db,
                                                         store::UserRepository& users,
                                                         store::AuditLog& audit,
                                                         const api::KeyHasher& hasher,
                                                         std::int64_t now_unix_ms);

}  // namespace keyline::server
