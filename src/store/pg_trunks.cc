#include "store/lines.h"
#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

constexpr const char* kSelect =
    "SELECT name, allow, transport, digest_username, digest_password_ref, max_calls, srtp, dtmf, "
    "created_unix_ms, updated_unix_ms FROM trunks";

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
  return t;
}

// $1..$9 in kSelect's column order after the name, $10 the name.
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
          t.name};
}

class PgTrunks final : public TrunkRepository {
 public:
  explicit PgTrunks(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::vector<TrunkRecord>> list() override {
    auto r = db_->query(std::string(kSelect) + " ORDER BY name COLLATE \"C\"");
    if (!r) return r.error();
    std::vector<TrunkRecord> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(read_trunk(*r, i));
    return out;
  }

  Result<std::optional<TrunkRecord>> get(const std::string& name) override {
    auto r = db_->query(std::string(kSelect) + " WHERE name = $1", {name});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<TrunkRecord>{};
    return std::optional<TrunkRecord>{read_trunk(*r, 0)};
  }

  Status create(const TrunkRecord& t) override {
    return db_->exec(
        "INSERT INTO trunks (allow, transport, digest_username, digest_password_ref, max_calls, "
        "srtp, dtmf, created_unix_ms, updated_unix_ms, name) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        params(t));
  }

  Result<bool> update(const TrunkRecord& t) override {
    // The row keeps its own creation time.
    auto r = db_->query(
        "UPDATE trunks SET allow = $1, transport = $2, digest_username = $3, "
        "digest_password_ref = $4, max_calls = $5, srtp = $6, dtmf = $7, updated_unix_ms = $8 "
        "WHERE name = $9",
        {join_lines(t.allow), t.transport, t.digest_username, t.digest_password_ref, t.max_calls,
         t.srtp, t.dtmf, t.updated_unix_ms, t.name});
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
