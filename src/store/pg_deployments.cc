#include "store/lines.h"
#include "store/pg_repositories.h"

namespace keyline::store {
namespace {

constexpr const char* kSelectDeployments =
    "SELECT label, app, revision, numbers, secure, created_unix_ms, updated_unix_ms, "
    "coalesce(trunk, ''), owner FROM deployments";

DeploymentRecord read_deployment(const PgResult& r, int row) {
  DeploymentRecord d;
  d.label = r.text(row, 0);
  d.app = r.text(row, 1);
  d.revision = static_cast<int>(r.integer(row, 2));
  d.numbers = split_lines(r.text(row, 3));
  d.secure = r.boolean(row, 4);
  d.created_unix_ms = r.integer(row, 5);
  d.updated_unix_ms = r.integer(row, 6);
  d.trunk = r.text(row, 7);
  d.owner = r.text(row, 8);
  return d;
}

// No trunk is NULL, so the foreign key to trunks(name) only checks named ones.
PgParam trunk_param(const std::string& trunk) {
  if (trunk.empty()) return PgParam(std::nullopt);
  return PgParam(trunk);
}

class PgDeployments final : public DeploymentRepository {
 public:
  explicit PgDeployments(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}

  Result<std::vector<DeploymentRecord>> list() override {
    // One lock for the rows and their variables: a consistent picture.
    auto guard = db_->lock();
    auto r = db_->query(std::string(kSelectDeployments) + " ORDER BY label COLLATE \"C\"");
    if (!r) return r.error();
    std::vector<DeploymentRecord> out;
    for (int i = 0; i < r->rows(); ++i) out.push_back(read_deployment(*r, i));
    auto vars = db_->query("SELECT label, name, value FROM deployment_variables");
    if (!vars) return vars.error();
    for (int i = 0; i < vars->rows(); ++i)
      for (auto& d : out)
        if (d.label == vars->text(i, 0)) d.variables[vars->text(i, 1)] = vars->text(i, 2);
    return out;
  }

  Result<std::optional<DeploymentRecord>> get(const std::string& label) override {
    auto guard = db_->lock();
    auto r = db_->query(std::string(kSelectDeployments) + " WHERE label = $1", {label});
    if (!r) return r.error();
    if (r->rows() == 0) return std::optional<DeploymentRecord>{};
    DeploymentRecord d = read_deployment(*r, 0);
    auto vars =
        db_->query("SELECT name, value FROM deployment_variables WHERE label = $1", {label});
    if (!vars) return vars.error();
    for (int i = 0; i < vars->rows(); ++i) d.variables[vars->text(i, 0)] = vars->text(i, 1);
    return std::optional<DeploymentRecord>{std::move(d)};
  }

  Status create(const DeploymentRecord& d) override {
    return db_->transaction([&]() -> Status {
      if (auto st = db_->exec(
              "INSERT INTO deployments (label, app, revision, numbers, secure, created_unix_ms, "
              "updated_unix_ms, trunk, owner) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
              {d.label, d.app, d.revision, join_lines(d.numbers), d.secure, d.created_unix_ms,
               d.updated_unix_ms, trunk_param(d.trunk), d.owner});
          !st)
        return st;
      return save_variables(d);
    });
  }

  Result<bool> update(const DeploymentRecord& d) override {
    bool found = false;
    auto st = db_->transaction([&]() -> Status {
      auto r = db_->query(
          "UPDATE deployments SET app = $1, revision = $2, numbers = $3, secure = $4, "
          "updated_unix_ms = $5, trunk = $7 WHERE label = $6",
          {d.app, d.revision, join_lines(d.numbers), d.secure, d.updated_unix_ms, d.label,
           trunk_param(d.trunk)});
      if (!r) return r.error();
      found = r->affected() > 0;
      if (!found) return Ok{};
      if (auto e = db_->exec("DELETE FROM deployment_variables WHERE label = $1", {d.label}); !e)
        return e;
      return save_variables(d);
    });
    if (!st) return st.error();
    return found;
  }

  Result<bool> remove(const std::string& label) override {
    auto r = db_->query("DELETE FROM deployments WHERE label = $1", {label});
    if (!r) return r.error();
    return r->affected() > 0;
  }

 private:
  Status save_variables(const DeploymentRecord& d) {
    for (const auto& [name, value] : d.variables)
      if (auto st =
              db_->exec("INSERT INTO deployment_variables (label, name, value) VALUES ($1, $2, $3)",
                        {d.label, name, value});
          !st)
        return st;
    return Ok{};
  }

  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::unique_ptr<DeploymentRepository> make_pg_deployments(std::shared_ptr<PgConnection> db) {
  return std::make_unique<PgDeployments>(std::move(db));
}

}  // namespace keyline::store
