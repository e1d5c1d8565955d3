// PostgreSQL teams, members and shares (teams.h): the same rows as SQLite's.
#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

class PgTeams final : public TeamRepository {
 public:
  explicit PgTeams(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::vector<TeamRecord>> list() override {
    auto guard = db_->lock();
    auto r = db_->query(
        "SELECT name, created_by, created_unix_ms FROM teams ORDER BY name COLLATE \"C\"");
    if (!r) return r.error();
    std::vector<TeamRecord> out;
    for (int i = 0; i < r->rows(); ++i)
      out.push_back({r->text(i, 0), r->text(i, 1), r->integer(i, 2), {}});
    auto members = db_->query("SELECT team, email FROM team_members ORDER BY email COLLATE \"C\"");
    if (!members) return members.error();
    for (int i = 0; i < members->rows(); ++i)
      for (auto& t : out)
        if (t.name == members->text(i, 0)) t.members.push_back(members->text(i, 1));
    return out;
  }

  Result<std::optional<TeamRecord>> get(const std::string& name) override {
    auto guard = db_->lock();
    auto r =
        db_->query("SELECT name, created_by, created_unix_ms FROM teams WHERE name = $1", {name});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<TeamRecord>{};
    TeamRecord t{r->text(0, 0), r->text(0, 1), r->integer(0, 2), {}};
    auto members = db_->query(
        "SELECT email FROM team_members WHERE team = $1 ORDER BY email COLLATE \"C\"", {name});
    if (!members) return members.error();
    for (int i = 0; i < members->rows(); ++i) t.members.push_back(members->text(i, 0));
    return std::optional<TeamRecord>{std::move(t)};
  }

  Status create(const TeamRecord& team) override {
    return db_->transaction([&]() -> Status {
      auto r = db_->query(
          "INSERT INTO teams (name, created_by, created_unix_ms) VALUES ($1, $2, $3) "
          "ON CONFLICT (name) DO NOTHING",
          {team.name, team.created_by, team.created_unix_ms});
      if (!r) return r.error();
      if (r->affected() == 0)
        return make_error("conflict", "team '" + team.name + "' already exists");
      for (const auto& m : team.members)
        if (auto added = add_member(team.name, m); !added) return added.error();
      return Ok{};
    });
  }

  Result<bool> remove(const std::string& name) override {
    bool found = false;
    auto st = db_->transaction([&]() -> Status {
      if (auto e =
              db_->exec("DELETE FROM shares WHERE grantee_kind = 'team' AND grantee = $1", {name});
          !e)
        return e;
      auto r = db_->query("DELETE FROM teams WHERE name = $1", {name});
      if (!r) return r.error();
      found = r->affected() > 0;
      return Ok{};
    });
    if (!st) return st.error();
    return found;
  }

  Result<bool> add_member(const std::string& team, const std::string& email) override {
    auto guard = db_->lock();
    auto exists = db_->query("SELECT 1 FROM teams WHERE name = $1", {team});
    if (!exists) return exists.error();
    if (exists->rows() == 0) return false;
    if (auto st = db_->exec(
            "INSERT INTO team_members (team, email) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            {team, email});
        !st)
      return st.error();
    return true;
  }

  Result<bool> remove_member(const std::string& team, const std::string& email) override {
    auto r = db_->query("DELETE FROM team_members WHERE team = $1 AND email = $2", {team, email});
    if (!r) return r.error();
    return r->affected() > 0;
  }

  Status share(const ShareRecord& sh) override {
    return db_->exec(
        "INSERT INTO shares (kind, target, grantee_kind, grantee, created_unix_ms) "
        "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        {sh.kind, sh.target, sh.grantee_kind, sh.grantee, sh.created_unix_ms});
  }

  Result<bool> unshare(const ShareRecord& sh) override {
    auto r = db_->query(
        "DELETE FROM shares WHERE kind = $1 AND target = $2 AND grantee_kind = $3 AND "
        "grantee = $4",
        {sh.kind, sh.target, sh.grantee_kind, sh.grantee});
    if (!r) return r.error();
    return r->affected() > 0;
  }

  Result<std::vector<ShareRecord>> shares_of(const std::string& kind,
                                             const std::string& target) override {
    auto r = db_->query(
        "SELECT grantee_kind, grantee, created_unix_ms FROM shares WHERE kind = $1 AND "
        "target = $2 ORDER BY grantee_kind COLLATE \"C\" DESC, grantee COLLATE \"C\"",
        {kind, target});
    if (!r) return r.error();
    std::vector<ShareRecord> out;
    for (int i = 0; i < r->rows(); ++i)
      out.push_back({kind, target, r->text(i, 0), r->text(i, 1), r->integer(i, 2)});
    return out;
  }

  Result<std::vector<std::string>> shared_with(const std::string& kind,
                                               const std::string& email) override {
    auto r = db_->query(
        "SELECT target FROM shares WHERE kind = $1 AND ("
        "(grantee_kind = 'user' AND grantee = $2) OR (grantee_kind = 'team' AND grantee IN "
        "(SELECT team FROM team_members WHERE email = $2))) GROUP BY target "
        "ORDER BY target COLLATE \"C\"",
        {kind, email});
    if (!r) return r.error();
    std::vector<std::string> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(r->text(i, 0));
    return out;
  }

  Status remove_shares(const std::string& kind, const std::string& target) override {
    return db_->exec("DELETE FROM shares WHERE kind = $1 AND target = $2", {kind, target});
  }

 private:
  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<TeamRepository> make_pg_teams(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgTeams>(std::move(db));
}

}  // namespace keyline::store
