#include "store/lines.h"
#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

constexpr const char* kSelectTrunks =
    "SELECT name, allow, transport, digest_username, digest_password_ref, max_calls, srtp, dtmf, "
    "created_unix_ms, updated_unix_ms, register_registrar, register_aor, register_contact_user, "
    "register_username, register_password_ref, register_expires_s FROM trunks";

TrunkRecord read_trunk(const Statement& s) {
  TrunkRecord t;
  t.name = s.text(0);
  t.allow = split_lines(s.text(1));
  t.transport = s.text(2);
  t.digest_username = s.text(3);
  t.digest_password_ref = s.text(4);
  t.max_calls = static_cast<int>(s.integer(5));
  t.srtp = s.text(6);
  t.dtmf = s.text(7);
  t.created_unix_ms = s.integer(8);
  t.updated_unix_ms = s.integer(9);
  t.registration.registrar = s.text(10);
  t.registration.aor = s.text(11);
  t.registration.contact_user = s.text(12);
  t.registration.username = s.text(13);
  t.registration.password_ref = s.text(14);
  t.registration.expires_s = static_cast<int>(s.integer(15));
  return t;
}

// Binds every column but the name at 1..9 in kSelectTrunks's order, the registration at 11..16; the
// name goes to 10.
void bind_trunk(Statement& s, const TrunkRecord& t) {
  s.bind(1, join_lines(t.allow));
  s.bind(2, t.transport);
  s.bind(3, t.digest_username);
  s.bind(4, t.digest_password_ref);
  s.bind(5, static_cast<std::int64_t>(t.max_calls));
  s.bind(6, t.srtp);
  s.bind(7, t.dtmf);
  s.bind(8, t.created_unix_ms);
  s.bind(9, t.updated_unix_ms);
  s.bind(10, t.name);
  s.bind(11, t.registration.registrar);
  s.bind(12, t.registration.aor);
  s.bind(13, t.registration.contact_user);
  s.bind(14, t.registration.username);
  s.bind(15, t.registration.password_ref);
  s.bind(16, static_cast<std::int64_t>(t.registration.expires_s));
}

class SqliteTrunks final : public TrunkRepository {
 public:
  explicit SqliteTrunks(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::vector<TrunkRecord>> list() override {
    auto guard = db_->lock();
    auto s = db_->prepare(std::string(kSelectTrunks) + " ORDER BY name");
    if (!s) return s.error();
    return all_rows<TrunkRecord>(*s, read_trunk);
  }

  Result<std::optional<TrunkRecord>> get(const std::string& name) override {
    auto guard = db_->lock();
    auto s = db_->prepare(std::string(kSelectTrunks) + " WHERE name = ?");
    if (!s) return s.error();
    s->bind(1, name);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<TrunkRecord>{};
    return std::optional<TrunkRecord>{read_trunk(*s)};
  }

  Status create(const TrunkRecord& t) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "INSERT INTO trunks (allow, transport, digest_username, digest_password_ref, max_calls, "
        "srtp, dtmf, created_unix_ms, updated_unix_ms, name, register_registrar, register_aor, "
        "register_contact_user, register_username, register_password_ref, register_expires_s) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s) return s.error();
    bind_trunk(*s, t);
    return s->run();
  }

  Result<bool> update(const TrunkRecord& t) override {
    auto guard = db_->lock();
    // ?8 (created_unix_ms) is bound but not used: the row keeps its own creation time.
    auto s = db_->prepare(
        "UPDATE trunks SET allow = ?1, transport = ?2, digest_username = ?3, "
        "digest_password_ref = ?4, max_calls = ?5, srtp = ?6, dtmf = ?7, "
        "updated_unix_ms = ?9, register_registrar = ?11, register_aor = ?12, "
        "register_contact_user = ?13, register_username = ?14, register_password_ref = ?15, "
        "register_expires_s = ?16 WHERE name = ?10");
    if (!s) return s.error();
    bind_trunk(*s, t);
    if (auto st = s->run(); !st) return st.error();
    return db_->changes() > 0;
  }

  Result<bool> remove(const std::string& name) override {
    auto guard = db_->lock();
    auto used =
        db_->prepare("SELECT label FROM deployments WHERE trunk = ? ORDER BY label LIMIT 1");
    if (!used) return used.error();
    used->bind(1, name);
    auto row = used->step();
    if (!row) return row.error();
    if (*row)
      return make_error("conflict",
                        "trunk '" + name + "' is used by deployment '" + used->text(0) + "'");
    auto s = db_->prepare("DELETE FROM trunks WHERE name = ?");
    if (!s) return s.error();
    s->bind(1, name);
    if (auto st = s->run(); !st) return st.error();
    return db_->changes() > 0;
  }

 private:
  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<TrunkRepository> make_sqlite_trunks(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteTrunks>(std::move(db));
}

}  // namespace keyline::store
