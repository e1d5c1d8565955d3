// SQLite teams, members and shares (teams.h).
#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

class SqliteTeams final : public TeamRepository {
 public:
  explicit SqliteTeams(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::vector<TeamRecord>> list() override {
    auto guard = db_->lock();
    auto s = db_->prepare("SELECT name, created_by, created_unix_ms FROM teams ORDER BY name");
    if (!s) return s.error();
    auto rows = all_rows<TeamRecord>(*s, [](const Statement& row) {
      return TeamRecord{row.text(0), row.text(1), row.integer(2), {}};
    });
    if (!rows) return rows.error();
    std::vector<TeamRecord> out = std::move(*rows);
    for (auto& t : out)
      if (auto st = load_members(t); !st) return st.error();
    return out;
  }

  Result<std::optional<TeamRecord>> get(const std::string& name) override {
    auto guard = db_->lock();
    auto s = db_->prepare("SELECT name, created_by, created_unix_ms FROM teams WHERE name = ?");
    if (!s) return s.error();
    s->bind(1, name);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<TeamRecord>{};
    TeamRecord t{s->text(0), s->text(1), s->integer(2), {}};
    if (auto st = load_members(t); !st) return st.error();
    return std::optional<TeamRecord>{std::move(t)};
  }

  Status create(const TeamRecord& team) override {
    return db_->transaction([&]() -> Status {
      auto found = get(team.name);
      if (!found) return found.error();
      if (*found) return make_error("conflict", "team '" + team.name + "' already exists");
      auto s = db_->prepare("INSERT INTO teams (name, created_by, created_unix_ms) VALUES (?,?,?)");
      if (!s) return s.error();
      s->bind(1, team.name);
      s->bind(2, team.created_by);
      s->bind(3, team.created_unix_ms);
      if (auto st = s->run(); !st) return st;
      for (const auto& m : team.members)
        if (auto added = add_member(team.name, m); !added) return added.error();
      return Ok{};
    });
  }

  Result<bool> remove(const std::string& name) override {
    bool found = false;
    auto st = db_->transaction([&]() -> Status {
      if (auto e = run("DELETE FROM shares WHERE grantee_kind = 'team' AND grantee = ?", {name});
          !e)
        return e.error();
      auto removed = run("DELETE FROM teams WHERE name = ?", {name});
      if (!removed) return removed.error();
      found = *removed > 0;
      return Ok{};
    });
    if (!st) return st.error();
    return found;
  }

  Result<bool> add_member(const std::string& team, const std::string& email) override {
    auto guard = db_->lock();
    auto exists = run("SELECT 1 FROM teams WHERE name = ?", {team}, true);
    if (!exists) return exists.error();
    if (*exists == 0) return false;
    auto added =
        run("INSERT OR IGNORE INTO team_members (team, email) VALUES (?, ?)", {team, email});
    if (!added) return added.error();
    return true;
  }

  Result<bool> remove_member(const std::string& team, const std::string& email) override {
    auto removed = run("DELETE FROM team_members WHERE team = ? AND email = ?", {team, email});
    if (!removed) return removed.error();
    return *removed > 0;
  }

  Status share(const ShareRecord& sh) override {
    auto guard = db_->lock();
    auto s = db_->prepare(
        "INSERT OR IGNORE INTO shares (kind, target, grantee_kind, grantee, created_unix_ms) "
        "VALUES (?,?,?,?,?)");
    if (!s) return s.error();
    s->bind(1, sh.kind);
    s->bind(2, sh.target);
    s->bind(3, sh.grantee_kind);
    s->bind(4, sh.grantee);
    s->bind(5, sh.created_unix_ms);
    return s->run();
  }

  Result<bool> unshare(const ShareRecord& sh) override {
    auto removed =
        run("DELETE FROM shares WHERE kind = ? AND target = ? AND grantee_kind = ? AND grantee = ?",
            {sh.kind, sh.target, sh.grantee_kind, sh.grantee});
    if (!removed) return removed.error();
    return *removed > 0;
  }

  Result<std::vector<ShareRecord>> shares_of(const std::string& kind,
                                             const std::string& target) override {
    auto conn = db_->read();
    auto s = conn->prepare(
        "SELECT grantee_kind, grantee, created_unix_ms FROM shares WHERE kind = ? AND target = ? "
        "ORDER BY grantee_kind DESC, grantee");
    if (!s) return s.error();
    s->bind(1, kind);
    s->bind(2, target);
    return all_rows<ShareRecord>(*s, [&](const Statement& row) {
      return ShareRecord{kind, target, row.text(0), row.text(1), row.integer(2)};
    });
  }

  Result<std::vector<std::string>> shared_with(const std::string& kind,
                                               const std::string& email) override {
    auto conn = db_->read();
    auto s = conn->prepare(
        "SELECT DISTINCT target FROM shares WHERE kind = ?1 AND ("
        "(grantee_kind = 'user' AND grantee = ?2) OR (grantee_kind = 'team' AND grantee IN "
        "(SELECT team FROM team_members WHERE email = ?2))) ORDER BY target");
    if (!s) return s.error();
    s->bind(1, kind);
    s->bind(2, email);
    return all_rows<std::string>(*s, [](const Statement& row) { return row.text(0); });
  }

  Status remove_shares(const std::string& kind, const std::string& target) override {
    auto removed = run("DELETE FROM shares WHERE kind = ? AND target = ?", {kind, target});
    if (!removed) return removed.error();
    return Ok{};
  }

 private:
  // Runs one statement with text binds; the rows changed, or (count_rows) whether a row came back.
  Result<std::int64_t> run(const char* sql, std::initializer_list<std::string> binds,
                           bool count_rows = false) {
    auto guard = db_->lock();
    auto s = db_->prepare(sql);
    if (!s) return s.error();
    int i = 1;
    for (const auto& b : binds) s->bind(i++, b);
    auto row = s->step();
    if (!row) return row.error();
    if (count_rows) return *row ? 1 : 0;
    return db_->changes();
  }

  Status load_members(TeamRecord& t) {
    auto s = db_->prepare("SELECT email FROM team_members WHERE team = ? ORDER BY email");
    if (!s) return s.error();
    s->bind(1, t.name);
    for (;;) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) return Ok{};
      t.members.push_back(s->text(0));
    }
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<TeamRepository> make_sqlite_teams(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteTeams>(std::move(db));
}

}  // namespace keyline::store
