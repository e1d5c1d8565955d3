#include "store/lines.h"
#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

class SqliteDeployments final : public DeploymentRepository {
 public:
  explicit SqliteDeployments(std::shared_ptr<Database> db) : db_(std::move(db)) {}

  Result<std::vector<DeploymentRecord>> list() override {
    auto conn = db_->read();
    auto s = conn->prepare(std::string(kSelect) + " ORDER BY label");
    if (!s) return s.error();
    auto rows = all_rows<DeploymentRecord>(*s, read);
    if (!rows) return rows.error();
    std::vector<DeploymentRecord> out = std::move(*rows);
    for (auto& d : out)
      if (auto st = load_variables(*conn, d); !st) return st.error();
    return out;
  }

  Result<std::optional<DeploymentRecord>> get(const std::string& label) override {
    auto conn = db_->read();
    auto s = conn->prepare(std::string(kSelect) + " WHERE label = ?");
    if (!s) return s.error();
    s->bind(1, label);
    auto row = s->step();
    if (!row) return row.error();
    if (!*row) return std::optional<DeploymentRecord>{};
    DeploymentRecord d = read(*s);
    if (auto st = load_variables(*conn, d); !st) return st.error();
    return std::optional<DeploymentRecord>{std::move(d)};
  }

  Status create(const DeploymentRecord& d) override {
    return db_->transaction([&]() -> Status {
      auto s = db_->prepare(
          "INSERT INTO deployments (label, app, revision, numbers, secure, created_unix_ms, "
          "updated_unix_ms, trunk, owner) VALUES (?,?,?,?,?,?,?,?,?)");
      if (!s) return s.error();
      s->bind(1, d.label);
      s->bind(2, d.app);
      s->bind(3, static_cast<std::int64_t>(d.revision));
      s->bind(4, join_lines(d.numbers));
      s->bind(5, static_cast<std::int64_t>(d.secure));
      s->bind(6, d.created_unix_ms);
      s->bind(7, d.updated_unix_ms);
      bind_trunk(*s, 8, d.trunk);
      s->bind(9, d.owner);
      if (auto st = s->run(); !st) return st;
      return save_variables(d);
    });
  }

  Result<bool> update(const DeploymentRecord& d) override {
    bool found = false;
    auto st = db_->transaction([&]() -> Status {
      auto s = db_->prepare(
          "UPDATE deployments SET app = ?, revision = ?, numbers = ?, secure = ?, "
          "updated_unix_ms = ?, trunk = ? WHERE label = ?");
      if (!s) return s.error();
      s->bind(1, d.app);
      s->bind(2, static_cast<std::int64_t>(d.revision));
      s->bind(3, join_lines(d.numbers));
      s->bind(4, static_cast<std::int64_t>(d.secure));
      s->bind(5, d.updated_unix_ms);
      bind_trunk(*s, 6, d.trunk);
      s->bind(7, d.label);
      if (auto r = s->run(); !r) return r;
      found = db_->changes() > 0;
      if (!found) return Ok{};
      auto del = db_->prepare("DELETE FROM deployment_variables WHERE label = ?");
      if (!del) return del.error();
      del->bind(1, d.label);
      if (auto r = del->run(); !r) return r;
      return save_variables(d);
    });
    if (!st) return st.error();
    return found;
  }

  Result<bool> remove(const std::string& label) override {
    auto guard = db_->lock();
    auto s = db_->prepare("DELETE FROM deployments WHERE label = ?");
    if (!s) return s.error();
    s->bind(1, label);
    if (auto st = s->run(); !st) return st.error();
    return db_->changes() > 0;
  }

 private:
  static constexpr const char* kSelect =
      "SELECT label, app, revision, numbers, secure, created_unix_ms, updated_unix_ms, "
      "coalesce(trunk, ''), owner FROM deployments";

  static DeploymentRecord read(const Statement& s) {
    DeploymentRecord d;
    d.label = s.text(0);
    d.app = s.text(1);
    d.revision = static_cast<int>(s.integer(2));
    d.numbers = split_lines(s.text(3));
    d.secure = s.integer(4) != 0;
    d.created_unix_ms = s.integer(5);
    d.updated_unix_ms = s.integer(6);
    d.trunk = s.text(7);
    d.owner = s.text(8);
    return d;
  }

  // No trunk is NULL, so the foreign key to trunks(name) only checks named ones.
  static void bind_trunk(Statement& s, int index, const std::string& trunk) {
    if (trunk.empty())
      s.bind_null(index);
    else
      s.bind(index, trunk);
  }

  static Status load_variables(Database& conn, DeploymentRecord& d) {
    auto s = conn.prepare("SELECT name, value FROM deployment_variables WHERE label = ?");
    if (!s) return s.error();
    s->bind(1, d.label);
    for (;;) {
      auto row = s->step();
      if (!row) return row.error();
      if (!*row) return Ok{};
      d.variables[s->text(0)] = s->text(1);
    }
  }

  Status save_variables(const DeploymentRecord& d) {
    auto s = db_->prepare("INSERT INTO deployment_variables (label, name, value) VALUES (?,?,?)");
    if (!s) return s.error();
    for (const auto& [name, value] : d.variables) {
      s->reset();
      s->bind(1, d.label);
      s->bind(2, name);
      s->bind(3, value);
      if (auto st = s->run(); !st) return st;
    }
    return Ok{};
  }

  std::shared_ptr<Database> db_;
};

}  // namespace

std::unique_ptr<DeploymentRepository> make_sqlite_deployments(std::shared_ptr<Database> db) {
  return std::make_unique<SqliteDeployments>(std::move(db));
}

}  // namespace keyline::store
