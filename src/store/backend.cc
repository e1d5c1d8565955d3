#include "store/backend.h"

#include "store/migrations.h"
#include "store/pg_repositories.h"
#include "store/sqlite_repositories.h"

namespace keyline::store {
namespace {

class SqliteBackend final : public Backend {
 public:
  explicit SqliteBackend(std::shared_ptr<Database> db) : db_(std::move(db)) {}
  std::unique_ptr<AppRepository> apps() override { return make_sqlite_apps(db_); }
  std::unique_ptr<DeploymentRepository> deployments() override {
    return make_sqlite_deployments(db_);
  }
  std::unique_ptr<UserRepository> users() override { return make_sqlite_users(db_); }
  std::unique_ptr<AuditLog> audit_log() override { return make_sqlite_audit_log(db_); }
  std::unique_ptr<CallLogStore> call_logs(privacy::RedactionPolicy policy) override {
    return make_sqlite_call_logs(db_, std::move(policy));
  }
  std::unique_ptr<TrunkRepository> trunks() override { return make_sqlite_trunks(db_); }
  std::unique_ptr<ReportRepository> reports() override { return make_sqlite_reports(db_); }
  Status transaction(const std::function<Status()>& body) override {
    return db_->transaction(body);
  }
  std::string describe() const override { return "sqlite:" + db_->path(); }
  std::unique_ptr<OutboundRepository> outbound() override { return make_sqlite_outbound(db_); }
  std::unique_ptr<PostCallQueue> post_call_queue() override {
    return make_sqlite_post_call_queue(db_);
  }
  std::unique_ptr<TeamRepository> teams() override { return make_sqlite_teams(db_); }
  std::unique_ptr<RetentionTargets> retention_targets() override {
    return make_sqlite_retention(db_);
  }
  std::unique_ptr<RecordingRepository> recordings() override { return make_sqlite_recordings(db_); }

 private:
  std::shared_ptr<Database> db_;
};

class PostgresBackend final : public Backend {
 public:
  explicit PostgresBackend(std::shared_ptr<PgConnection> db) : db_(std::move(db)) {}
  std::unique_ptr<AppRepository> apps() override { return make_pg_apps(db_); }
  std::unique_ptr<DeploymentRepository> deployments() override { return make_pg_deployments(db_); }
  std::unique_ptr<UserRepository> users() override { return make_pg_users(db_); }
  std::unique_ptr<AuditLog> audit_log() override { return make_pg_audit_log(db_); }
  std::unique_ptr<CallLogStore> call_logs(privacy::RedactionPolicy policy) override {
    return make_pg_call_logs(db_, std::move(policy));
  }
  std::unique_ptr<TrunkRepository> trunks() override { return make_pg_trunks(db_); }
  std::unique_ptr<ReportRepository> reports() override { return make_pg_reports(db_); }
  Status transaction(const std::function<Status()>& body) override {
    return db_->transaction(body);
  }
  std::string describe() const override { return db_->describe(); }
  std::unique_ptr<OutboundRepository> outbound() override { return make_pg_outbound(db_); }
  std::unique_ptr<PostCallQueue> post_call_queue() override { return make_pg_post_call_queue(db_); }
  std::unique_ptr<TeamRepository> teams() override { return make_pg_teams(db_); }
  std::unique_ptr<RetentionTargets> retention_targets() override { return make_pg_retention(db_); }
  std::unique_ptr<RecordingRepository> recordings() override { return make_pg_recordings(db_); }

 private:
  std::shared_ptr<PgConnection> db_;
};

}  // namespace

std::shared_ptr<Backend> make_sqlite_backend(std::shared_ptr<Database> db) {
  return std::make_shared<SqliteBackend>(std::move(db));
}

Result<std::shared_ptr<Backend>> open_postgres_backend(const std::string& url,
                                                       const std::string& password, int pool_size) {
  auto conn = PgConnection::connect(url, password, pool_size);
  if (!conn) return conn.error();
  std::shared_ptr<PgConnection> shared(std::move(*conn));
  if (auto st = migrate_postgres(*shared); !st) return st.error();
  return std::shared_ptr<Backend>(std::make_shared<PostgresBackend>(std::move(shared)));
}

Result<std::shared_ptr<Backend>> open_backend(const BackendSettings& settings) {
  if (!settings.postgres_url.empty())
    return open_postgres_backend(settings.postgres_url, settings.postgres_password,
                                 settings.postgres_pool_size);
  auto db = open_and_migrate(settings.sqlite_path);
  if (!db) return db.error();
  return make_sqlite_backend(std::shared_ptr<Database>(std::move(*db)));
}

Result<std::unique_ptr<CallLogStore>> open_call_logs(const BackendSettings& settings) {
  auto backend = open_backend(settings);
  if (!backend) return backend.error();
  return (*backend)->call_logs(privacy::RedactionPolicy{});
}

}  // namespace keyline::store
