#include "server/first_admin.h"

namespace keyline::server {

Result<std::optional<CreatedKey>> create_first_admin_key(store::Database& db,
                                                         store::UserRepository& users,
                                                         store::AuditLog& audit,
                                                         const api::KeyHasher& hasher,
                                                         std::int64_t now_unix_ms) {
  return create_first_admin_key(
      [&db](const std::function<Status()>& body) { return db.transaction(body); }, users, audit,
      hasher, now_unix_ms);
}

Result<std::optional<CreatedKey>> create_first_admin_key(const RunInTransaction& transaction,
                                                         store::UserRepository& users,
                                                         store::AuditLog& audit,
                                                         const api::KeyHasher& hasher,
                                                         std::int64_t now_unix_ms) {
  std::optional<CreatedKey> created;
  // One transaction: the check and the insert, so two servers starting on
  // one SQLite database cannot both create an admin.
  auto st = transaction([&]() -> Status {
    auto any = users.has_role(store::Role::kAdmin);
    if (!any) return any.error();
    if (*any) return Ok{};
    auto key = hasher.generate();
    if (!key) return key.error();
    auto user = users.upsert(kFirstAdminEmail, store::Role::kAdmin, now_unix_ms);
    if (!user) return user.error();
    if (auto added =
            users.add_key(store::ApiKeyRecord{key->key_id, *user, key->hash, false}, now_unix_ms);
        !added)
      return added;
    if (auto logged =
            audit.append(store::AuditEntry{0, now_unix_ms, kFirstAdminEmail, "apikey.create",
                                           key->key_id, "role admin (first start)"});
        !logged)
      return logged;
    created = CreatedKey{key->key, key->key_id};
    return Ok{};
  });
  if (!st) return st.error();
  return created;
}

}  // namespace keyline::server
