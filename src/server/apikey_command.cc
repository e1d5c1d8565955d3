#include "server/apikey_command.h"

#include <chrono>
#include <filesystem>

#include "api/key_hasher.h"
#include "store/migrations.h"
#include "store/sqlite_repositories.h"

namespace keyline::server {

Result<CreatedKey> create_api_key(const std::string& data_dir, const std::string& email,
                                  store::Role role) {
  if (email.empty() || email.find('@') == std::string::npos || email.size() > 254 ||
      email.find(':') != std::string::npos)
    return make_error("usage", "--email must be an email address (no ':')");
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return make_error("io", "data_dir " + data_dir + ": " + ec.message());
  auto db = store::open_and_migrate((std::filesystem::path(data_dir) / "keyline.db").string());
  if (!db) return db.error();
  std::shared_ptr<store::Database> shared(std::move(*db));
  auto hasher = api::KeyHasher::load_or_create(
      (std::filesystem::path(data_dir) / "api-key-hash.secret").string());
  if (!hasher) return hasher.error();
  auto key = hasher->generate();
  if (!key) return key.error();
  auto users = store::make_sqlite_users(shared);
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  CreatedKey out{key->key, key->key_id};
  auto st = shared->transaction([&]() -> Status {
    auto user = users->upsert(email, role, now);
    if (!user) return user.error();
    if (auto added = users->add_key(store::ApiKeyRecord{key->key_id, *user, key->hash, false}, now);
        !added)
      return added;
    return store::make_sqlite_audit_log(shared)->append(
        store::AuditEntry{0, now, email, "apikey.create", key->key_id,
                          "role " + std::string(store::role_name(role)) + " (CLI)"});
  });
  if (!st) return st.error();
  return out;
}

}  // namespace keyline::server
