#include "store/lines.h"
#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

constexpr const char* kSelectTrunks =
    "SELECT name, allow, transport, digest_username, digest_password_ref, max_calls, srtp, dtmf, "
    "created_unix_ms, updated_unix_ms, register_registrar, register_aor, register_contact_user, "
    "register_username, register_password_ref, register_expires_s FROM trunks";

TrunkRecord read_trunk(const PgResult& r, int row) {
  TrunkRecord t;
  t.name = r.text(row, 0);
  t.allow = split_lines(r.text(row, 1));
  t.transport = r.text(row, 2);
  t.digest_username = r.text(row, 3);
  t.digest_password_ref = r.text(row, 4);
  t.max_calls = static_cast<int>(r.integer(row, 5));
  t.srtp = r.text(row, 6);
  t.dtmf = r.text(row, 7);
  t.created_unix_ms = r.integer(row, 8);
  t.updated_unix_ms = r.integer(row, 9);
  t.registration.registrar = r.text(row, 10);
  t.registration.aor = r.text(row, 11);
  t.registration.contact_user = r.text(row, 12);
  t.registration.username = r.text(row, 13);
  t.registration.password_ref = r.text(row, 14);
  t.registration.expires_s = static_cast<int>(r.integer(row, 15));
  return t;
}

// $1..$9 in kSelectTrunks's column order after the name, $10 the name, $11..$16 the registration.
std::vector<PgParam> params(const TrunkRecord& t) {
  return {join_lines(t.allow),
          t.transport,
          t.digest_username,
          t.digest_password_ref,
          t.max_calls,
          t.srtp,
          t.dtmf,
          t.created_unix_ms,
          t.updated_unix_ms,
          t.name,
          t.registration.registrar,
          t.registration.aor,
          t.registration.contact_user,
          t.registration.username,
          t.registration.password_ref,
          t.registration.expires_s};
}

class PgTrunks final : public TrunkRepository {
 public:
  explicit PgTrunks(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::vector<TrunkRecord>> list() override {
    auto r = db_->query(std::string(kSelectTrunks) + " ORDER BY name COLLATE \"C\"");
    if (!r) return r.error();
    std::vector<TrunkRecord> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(read_trunk(*r, i));
    return out;
  }

  Result<std::optional<TrunkRecord>> get(const std::string& name) override {
    auto r = db_->query(std::string(kSelectTrunks) + " WHERE name = $1", {name});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<TrunkRecord>{};
    return std::optional<TrunkRecord>{read_trunk(*r, 0)};
  }

  Status create(const TrunkRecord& t) override {
    return db_->exec(
        "INSERT INTO trunks (allow, transport, digest_username, digest_password_ref, max_calls, "
        "srtp, dtmf, created_unix_ms, updated_unix_ms, name, register_registrar, register_aor, "
        "register_contact_user, register_username, register_password_ref, register_expires_s) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        params(t));
  }

  Result<bool> update(const TrunkRecord& t) override {
    // The row keeps its own creation time.
    auto r = db_->query(
        "UPDATE trunks SET allow = $1, transport = $2, digest_username = $3, "
        "digest_password_ref = $4, max_calls = $5, srtp = $6, dtmf = $7, updated_unix_ms = $8, "
        "register_registrar = $10, register_aor = $11, register_contact_user = $12, "
        "register_username = $13, register_password_ref = $14, register_expires_s = $15 "
        "WHERE name = $9",
        {join_lines(t.allow), t.transport, t.digest_username, t.digest_password_ref, t.max_calls,
         t.srtp, t.dtmf, t.updated_unix_ms, t.name, t.registration.registrar, t.registration.aor,
         t.registration.contact_user, t.registration.username, t.registration.password_ref,
         t.registration.expires_s});
    if (!r) return r.error();
    return r->affected() > 0;
  }

  Result<bool> remove(const std::string& name) override {
    auto guard = db_->lock();
    auto used = db_->query(
        "SELECT label FROM deployments WHERE trunk = $1 ORDER BY label COLLATE \"C\" LIMIT 1",
        {name});
    if (!used) return used.error();
    if (used->rows() > 0)
      return make_error("conflict",
                        "trunk '" + name + "' is used by deployment '" + used->text(0, 0) + "'");
    auto r = db_->query("DELETE FROM trunks WHERE name = $1", {name});
    if (!r) return r.error();
    return r->affected() > 0;
  }

 private:
  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<TrunkRepository> make_pg_trunks(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgTrunks>(std::move(db));
}

}  // namespace keyline::store
