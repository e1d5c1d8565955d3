#include "store/sqlite_repositories.h"

namespace keyline::store {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kDeveloper:
      return "developer";
    case Role::kViewer:
      return "viewer";
  }
  return "viewer";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "developer") return Role::kDeveloper;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

namespace {

class SqliteUsers final : public UserRepository {
 public:
  explicit SqliteUsers(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::optional<UserRecord>> find_by_email(const std::string& email) override {
    return find("SELECT id, email, role, created_unix_ms FROM users WHERE email = ?",
                [&](Statement& s) { s.bind(1, email); });
  }

  Result<std::optional<UserRecord>> find_by_id(std::int64_t id) override {
    return find("SELECT id, email, role, created_unix_ms FROM users WHERE id = ?",
                [&](Statement& s) { s.bind(1, id); });
  }

  Result<std::int64_t> upsert(const std::string& email, Role role, std::int64_t now) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "INSERT INTO users (email, role, created_unix_ms) VALUES (?1, ?2, ?3) "
        "ON CONFLICT(email) DO UPDATE SET role = ?2 RETURNING id");
    if (!s) return s.error();
    s->bind(1, email);
    s->bind(2, role_name(role));
    s->bind(3, now);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return make_error("store", "upsert user returned no id");
    std::int64_t id = s->integer(0);
    (void)s->step();
    return id;
  }

  Status add_key(const ApiKeyRecord& key, std::int64_t now) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "INSERT INTO api_keys (key_id, user_id, hash, created_unix_ms, revoked) "
        "VALUES (?,?,?,?,?)");
    if (!s) return s.error();
    s->bind(1, key.key_id);
    s->bind(2, key.user_id);
    s->bind(3, key.hash);
    s->bind(4, now);
    s->bind(5, static_cast<std::int64_t>(key.revoked));
    return s->run();
  }

  Result<bool> has_role(Role role) override {
    auto conn = db_->read();
    auto s = conn->prepare("SELECT 1 FROM users WHERE role = ? LIMIT 1");
    if (!s) return s.error();
    s->bind(1, role_name(role));
    return s->step();
  }

  Result<std::optional<ApiKeyRecord>> find_key(const std::string& key_id) override {
    auto conn = db_->read();
    auto s = conn->prepare("SELECT key_id, user_id, hash, revoked FROM api_keys WHERE key_id = ?");
    if (!s) return s.error();
    s->bind(1, key_id);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<ApiKeyRecord>{};
    return std::optional<ApiKeyRecord>{
        ApiKeyRecord{s->text(0), s->integer(1), s->text(2), s->integer(3) != 0}};
  }

  Result<std::vector<ApiKeyInfo>> list_keys(std::int64_t user_id) override {
    auto conn = db_->read();
    auto s = conn->prepare(
        "SELECT k.key_id, k.user_id, u.email, k.created_unix_ms, k.revoked FROM api_keys k "
        "JOIN users u ON u.id = k.user_id WHERE ?1 = 0 OR k.user_id = ?1 "
        "ORDER BY k.created_unix_ms, k.key_id");
    if (!s) return s.error();
    s->bind(1, user_id);
    return all_rows<ApiKeyInfo>(*s, [](const Statement& row) {
      return ApiKeyInfo{row.text(0), row.integer(1), row.text(2), row.integer(3),
                        row.integer(4) != 0};
    });
  }

  Result<bool> revoke_key(const std::string& key_id) override {
    auto guard = db_->lock();
    auto s = db_->prepare("UPDATE api_keys SET revoked = 1 WHERE key_id = ?");
    if (!s) return s.error();
    s->bind(1, key_id);
    if (auto st = s->run(); !st) return st.error();
    return db_->changes() > 0;
  }

 private:
  template <class Bind>
  Result<std::optional<UserRecord>> find(const char* sql, Bind bind) {
    auto conn = db_->read();
    auto s = conn->prepare(sql);
    if (!s) return s.error();
    bind(*s);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<UserRecord>{};
    auto role = parse_role(s->text(2));
    return std::optional<UserRecord>{
        UserRecord{s->integer(0), s->text(1), role.value_or(Role::kViewer), s->integer(3)}};
  }

  std::shared_ptr<Database> db_;
};

class SqliteAudit final : public AuditLog {
 public:
  explicit SqliteAudit(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Status append(const AuditEntry& e) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "INSERT INTO audit_log (at_unix_ms, actor, action, target, detail) VALUES (?,?,?,?,?)");
    if (!s) return s.error();
    s->bind(1, e.at_unix_ms);
    s->bind(2, e.actor);
    s->bind(3, e.action);
    s->bind(4, e.target);
    s->bind(5, e.detail);
    return s->run();
  }

  Result<std::vector<AuditEntry>> recent(int limit) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "SELECT id, at_unix_ms, actor, action, target, detail FROM audit_log "
        "ORDER BY id DESC LIMIT ?");
    if (!s) return s.error();
    s->bind(1, static_cast<std::int64_t>(limit));
    return all_rows<AuditEntry>(*s, [](const Statement& row) {
      return AuditEntry{row.integer(0), row.integer(1), row.text(2),
                        row.text(3),    row.text(4),    row.text(5)};
    });
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<UserRepository> make_sqlite_users(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteUsers>(std::move(db));
}
std::unique_ptr<AuditLog> make_sqlite_audit_log(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteAudit>(std::move(db));
}

}  // namespace keyline::store
