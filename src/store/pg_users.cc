#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

class PgUsers final : public UserRepository {
 public:
  explicit PgUsers(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::optional<UserRecord>> find_by_email(const std::string& email) override {
    return find("SELECT id, email, role, created_unix_ms FROM users WHERE email = $1", email);
  }

  Result<std::optional<UserRecord>> find_by_id(std::int64_t id) override {
    return find("SELECT id, email, role, created_unix_ms FROM users WHERE id = $1", id);
  }

  Result<std::int64_t> upsert(const std::string& email, Role role, std::int64_t now) override {
    auto r = db_->query(
        "INSERT INTO users (email, role, created_unix_ms) VALUES ($1, $2, $3) "
        "ON CONFLICT (email) DO UPDATE SET role = EXCLUDED.role RETURNING id",
        {email, role_name(role), now});
    if (!r) return r.error();
    if (r->rows() == 0) return make_error("store", "upsert user returned no id");
    return r->integer(0, 0);
  }

  Status add_key(const ApiKeyRecord& key, std::int64_t now) override {
    return db_->exec(
        "INSERT INTO api_keys (key_id, user_id, hash, created_unix_ms, revoked) "
        "VALUES ($1, $2, $3, $4, $5)",
        {key.key_id, key.user_id, key.hash, now, key.revoked});
  }

  Result<bool> has_role(Role role) override {
    auto r = db_->query("SELECT 1 FROM users WHERE role = $1 LIMIT 1", {role_name(role)});
    if (!r) return r.error();
    return r->rows() > 0;
  }

  Result<std::optional<ApiKeyRecord>> find_key(const std::string& key_id) override {
    auto r = db_->query("SELECT key_id, user_id, hash, revoked FROM api_keys WHERE key_id = $1",
                        {key_id});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<ApiKeyRecord>{};
    return std::optional<ApiKeyRecord>{
        ApiKeyRecord{r->text(0, 0), r->integer(0, 1), r->text(0, 2), r->boolean(0, 3)}};
  }

  Result<std::vector<ApiKeyInfo>> list_keys(std::int64_t user_id) override {
    auto r = db_->query(
        "SELECT k.key_id, k.user_id, u.email, k.created_unix_ms, k.revoked FROM api_keys k "
        "JOIN users u ON u.id = k.user_id WHERE $1 = 0 OR k.user_id = $1 "
        "ORDER BY k.created_unix_ms, k.key_id COLLATE \"C\"",
        {user_id});
    if (!r) return r.error();
    std::vector<ApiKeyInfo> out;
    for (int i = 0; i < r->rows(); ++i)
      out.push_back(
          {r->text(i, 0), r->integer(i, 1), r->text(i, 2), r->integer(i, 3), r->boolean(i, 4)});
    return out;
  }

  Result<bool> revoke_key(const std::string& key_id) override {
    auto r = db_->query("UPDATE api_keys SET revoked = TRUE WHERE key_id = $1", {key_id});
    if (!r) return r.error();
    return r->affected() > 0;
  }

 private:
  Result<std::optional<UserRecord>> find(const char* sql, PgParam param) {
    auto r = db_->query(sql, {std::move(param)});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<UserRecord>{};
    auto role = parse_role(r->text(0, 2));
    return std::optional<UserRecord>{UserRecord{r->integer(0, 0), r->text(0, 1),
                                                role.value_or(Role::kViewer), r->integer(0, 3)}};
  }

  std::shared_ptr<PgConnection> db_;
};

class PgAudit final : public AuditLog {
 public:
  explicit PgAudit(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Status append(const AuditEntry& e) override {
    return db_->exec(
        "INSERT INTO audit_log (at_unix_ms, actor, action, target, detail) "
        "VALUES ($1, $2, $3, $4, $5)",
        {e.at_unix_ms, e.actor, e.action, e.target, e.detail});
  }

  Result<std::vector<AuditEntry>> recent(int limit) override {
    auto r = db_->query(
        "SELECT id, at_unix_ms, actor, action, target, detail FROM audit_log "
        "ORDER BY id DESC LIMIT $1",
        {limit});
    if (!r) return r.error();
    std::vector<AuditEntry> out;
    for (int i = 0; i < r->rows(); ++i)
      out.push_back(AuditEntry{r->integer(i, 0), r->integer(i, 1), r->text(i, 2), r->text(i, 3),
                               r->text(i, 4), r->text(i, 5)});
    return out;
  }

 private:
  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<UserRepository> make_pg_users(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgUsers>(std::move(db));
}
std::unique_ptr<AuditLog> make_pg_audit_log(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgAudit>(std::move(db));
}

}  // namespace keyline::store
