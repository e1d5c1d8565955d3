#include "server/apikey_command.h"

#include <chrono>
#include <filesystem>

#include "api/key_hasher.h"
#include "store/backend.h"

namespace keyline::server {

Result<CreatedKey> create_api_key(const std::string& data_dir, const std::string& email,
                                  store::Role role, const std::string& postgres_url,
                                  const std::string& postgres_password) {
  if (email.empty() || email.find('@') == std::string::npos || email.size() > 254 ||
      email.find(':') != std::string::npos)
    return make_error("usage", "--email must be an email address (no ':')");
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) return make_error("io", "data_dir " + data_dir + ": " + ec.message());
  auto backend = store::open_backend(store::BackendSettings{
      (std::filesystem::path(data_dir) / "keyline.db").string(), postgres_url, postgres_password});
  if (!backend) return backend.error();
  auto hasher = api::KeyHasher::load_or_create(
      (std::filesystem::path(data_dir) / "api-key-hash.secret").string());
  if (!hasher) return hasher.error();
  auto key = hasher->generate();
  if (!key) return key.error();
  auto users = (*backend)->users();
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  CreatedKey out{key->key, key->key_id};
  auto st = (*backend)->transaction([&]() -> Status {
    auto user = users->upsert(email, role, now);
    if (!user) return user.error();
    if (auto added = users->add_key(store::ApiKeyRecord{key->key_id, *user, key->hash, false}, now);
        !added)
      return added;
    return (*backend)->audit_log()->append(
        store::AuditEntry{0, now, email, "apikey.create", key->key_id,
                          "role " + std::string(store::role_name(role)) + " (CLI)"});
  });
  if (!st) return st.error();
  return out;
}

}  // namespace keyline::server
