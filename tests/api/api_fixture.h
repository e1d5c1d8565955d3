// An ApiService over a temp-file database with one user per role, driven
// without a socket.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "api/api_service.h"
#include "store/migrations.h"
#include "store/sqlite_repositories.h"

namespace keyline::api {

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-api-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto db = store::open_and_migrate(dir_ + "/k.db");
    ASSERT_TRUE(db);
    db_ = std::shared_ptr<store::Database>(std::move(*db));
    apps_ = store::make_sqlite_apps(db_);
    deployments_ = store::make_sqlite_deployments(db_);
    users_ = store::make_sqlite_users(db_);
    audit_ = store::make_sqlite_audit_log(db_);
    calls_ = store::make_sqlite_call_logs(db_);
    trunks_ = store::make_sqlite_trunks(db_);
    reports_ = store::make_sqlite_reports(db_);
    outbound_ = store::make_sqlite_outbound(db_);
    teams_ = store::make_sqlite_teams(db_);
    recordings_ = store::make_sqlite_recordings(db_);
    auto hasher = KeyHasher::load_or_create(dir_ + "/secret");
    ASSERT_TRUE(hasher);
    hasher_ = std::make_unique<KeyHasher>(*hasher);
    admin_ = key("admin@example.com", store::Role::kAdmin);
    developer_ = key("dev@example.com", store::Role::kDeveloper);
    viewer_ = key("viewer@example.com", store::Role::kViewer);
    ApiDependencies deps;
    deps.apps = apps_.get();
    deps.deployments = deployments_.get();
    deps.users = users_.get();
    deps.audit = audit_.get();
    deps.calls = calls_.get();
    deps.trunks = trunks_.get();
    deps.reports = reports_.get();
    deps.outbound = outbound_.get();
    deps.teams = teams_.get();
    deps.recordings = recordings_.get();
    deps.hasher = hasher_.get();
    deps.rate_per_second = rate_;
    deps.burst = burst_;
    deps.wall_ms = [] { return std::int64_t{1'700'000'000'000}; };
    deps.steady_now = [this] { return now_; };
    deps.routing_changed = [this] { ++routing_changes_; };
    deps.transaction = [this](const std::function<Status()>& body) {
      return db_->transaction(body);
    };
    service_ = std::make_unique<ApiService>(std::move(deps));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string key(const std::string& email, store::Role role) {
    auto id = users_->upsert(email, role, 1);
    auto k = hasher_->generate();
    EXPECT_TRUE(users_->add_key({k->key_id, *id, k->hash, false}, 1));
    return k->key;
  }

  Response call(const std::string& method, const std::string& path, const std::string& key,
                const std::string& body = {}, std::map<std::string, std::string> query = {}) {
    Request r;
    r.method = method;
    r.path = path;
    r.authorization = key.empty() ? "" : "Bearer " + key;
    r.body = body;
    r.content_type = body.empty() ? "" : "application/json";
    r.query = std::move(query);
    return service_->handle(r);
  }

  // Opens `target` to the viewer: records are private to their owner otherwise (access.h).
  void share_with_viewer(const std::string& kind, const std::string& target) {
    ASSERT_TRUE(teams_->share({kind, target, "user", "viewer@example.com", 1}));
  }

  static std::string demo_app(const std::string& name) {
    std::ifstream in(std::string(KEYLINE_SOURCE_DIR) + "/examples/apps/demo.json");
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    auto at = text.find("\"demo\"");
    return text.replace(at, 6, "\"" + name + "\"");
  }

  double rate_ = 1000;
  double burst_ = 1000;
  std::chrono::steady_clock::time_point now_{std::chrono::hours(1)};
  std::string dir_;
  std::shared_ptr<store::Database> db_;
  std::unique_ptr<store::AppRepository> apps_;
  std::unique_ptr<store::DeploymentRepository> deployments_;
  std::unique_ptr<store::UserRepository> users_;
  std::unique_ptr<store::AuditLog> audit_;
  std::unique_ptr<store::CallLogStore> calls_;
  std::unique_ptr<store::TrunkRepository> trunks_;
  std::unique_ptr<store::ReportRepository> reports_;
  std::unique_ptr<store::OutboundRepository> outbound_;
  std::unique_ptr<store::TeamRepository> teams_;
  std::unique_ptr<store::RecordingRepository> recordings_;
  std::unique_ptr<KeyHasher> hasher_;
  std::unique_ptr<ApiService> service_;
  std::string admin_, developer_, viewer_;
  int routing_changes_ = 0;  // times the service told the server to reload its routing table
};

}  // namespace keyline::api
