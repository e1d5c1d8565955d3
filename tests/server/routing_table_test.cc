// How calls are routed: precedence between config and stored deployments, stored deployments
// read from a real SQLite database, and a reload that leaves a running call's app alone.
#include "server/routing_table.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "store/migrations.h"
#include "store/sqlite_repositories.h"

namespace keyline::server {
namespace {

std::shared_ptr<const RoutedDeployment> route(std::string name, std::vector<std::string> numbers,
                                              bool stored) {
  auto r = std::make_shared<RoutedDeployment>();
  r->deployment.name = std::move(name);
  r->deployment.numbers = std::move(numbers);
  r->stored = stored;
  return r;
}

std::string found(const RoutingTable& table, const std::string& called) {
  auto r = table.find(called);
  return r ? r->deployment.name : "(none)";
}

TEST(RoutingTable, ExactBeatsPatternsAndLongestPrefixWins) {
  RoutingTable table;
  table.add(route("catch_all", {"*"}, false));
  table.add(route("uk", {"44*"}, true));
  table.add(route("london", {"4420*"}, true));
  table.add(route("desk", {"442071"}, true));
  EXPECT_EQ(found(table, "442071"), "desk");
  EXPECT_EQ(found(table, "4420999"), "london");
  EXPECT_EQ(found(table, "441234"), "uk");
  EXPECT_EQ(found(table, "1800"), "catch_all");
  EXPECT_EQ(found(table, ""), "catch_all");
  EXPECT_EQ(found(table, "4"), "catch_all") << "a prefix longer than the number does not match";
}

TEST(RoutingTable, TiesGoToTheRouteAddedFirstAndNothingMatchesGivesNull) {
  RoutingTable table;
  table.add(route("config", {"100", "9*"}, false));
  table.add(route("stored", {"100", "9*", "200"}, true));
  EXPECT_EQ(found(table, "100"), "config");
  EXPECT_EQ(found(table, "999"), "config");
  EXPECT_EQ(found(table, "200"), "stored");
  EXPECT_EQ(found(table, "300"), "(none)");
  EXPECT_EQ(found(RoutingTable{}, "100"), "(none)");
}

std::string app_json(const std::string& greeting_module, bool secure = false) {
  return R"({"name": "support", "settings": {"secure": )" + std::string(secure ? "true" : "false") +
         R"(}, "variables": {"queue": "general"}, "pages": [{"name": "main", "modules": [
           {"type": "prompt", "name": ")" +
         greeting_module + R"(", "text": "Hello."},
           {"type": "exit", "name": "done"}]}]})";
}

class StoredRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-routing-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto db = store::open_and_migrate(dir_ + "/keyline.db");
    ASSERT_TRUE(db) << db.error().message;
    db_ = std::shared_ptr<store::Database>(std::move(*db));
    apps_ = store::make_sqlite_apps(db_);
    deployments_ = store::make_sqlite_deployments(db_);
  }
  void TearDown() override {
    apps_.reset();
    deployments_.reset();
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  StoredRoutes load() { return load_stored_routes(*deployments_, *apps_, voices_); }
  void save(const std::string& document) {
    ASSERT_TRUE(apps_->save_revision("support", document, "dev@example.com", 1));
  }
  // The first module's name in the route's app: which revision a call runs.
  static std::string first_module(const RoutedDeployment& r) {
    return r.app->pages.at(0).modules.at(0).name;
  }

  std::string dir_;
  std::shared_ptr<store::Database> db_;
  std::unique_ptr<store::AppRepository> apps_;
  std::unique_ptr<store::DeploymentRepository> deployments_;
  speech::VoiceCatalog voices_ = speech::VoiceCatalog::installed();  // as `keyline serve` has
};

TEST_F(StoredRoutesTest, PinnedAndLatestRevisionsVariablesAndSecureVariant) {
  save(app_json("hello_one"));
  save(app_json("hello_two"));
  store::DeploymentRecord pinned{"pinned", "support", 1, {"100"}, {{"queue", "sales"}}, false};
  store::DeploymentRecord latest{"latest", "support", 0, {"200"}, {}, true};
  ASSERT_TRUE(deployments_->create(pinned));
  ASSERT_TRUE(deployments_->create(latest));
  auto stored = load();
  ASSERT_TRUE(stored.problems.empty()) << stored.problems.at(0);
  ASSERT_EQ(stored.routes.size(), 2u);
  RoutingTable table;
  for (const auto& r : stored.routes) table.add(r);

  auto a = table.find("100");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->stored);
  EXPECT_EQ(a->revision, 1);
  EXPECT_EQ(first_module(*a), "hello_one");
  EXPECT_EQ(a->variables.at("queue"), "sales");
  EXPECT_FALSE(a->deployment.secure);
  EXPECT_FALSE(a->app->settings.secure);

  auto b = table.find("200");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->revision, 2) << "revision 0 follows the latest";
  EXPECT_EQ(first_module(*b), "hello_two");
  EXPECT_TRUE(b->deployment.secure);
  EXPECT_FALSE(b->deployment.secure_media_warn) << "stored secure deployments always require";
  EXPECT_TRUE(b->app->settings.secure) << "a secure deployment runs the secure variant";
}

TEST_F(StoredRoutesTest, ReloadLeavesTheRouteARunningCallHoldsUnchanged) {
  save(app_json("hello_one"));
  save(app_json("hello_two"));
  store::DeploymentRecord d{"main", "support", 1, {"100"}, {}, false};
  ASSERT_TRUE(deployments_->create(d));
  auto before = load();
  ASSERT_EQ(before.routes.size(), 1u);
  std::shared_ptr<const RoutedDeployment> running = before.routes[0];  // what a call holds
  const flow::AppDocument* running_app = running->app.get();

  d.revision = 2;
  ASSERT_TRUE(deployments_->update(d));
  auto after = load();
  ASSERT_EQ(after.routes.size(), 1u);
  EXPECT_EQ(first_module(*after.routes[0]), "hello_two");
  before = {};  // the old table is gone; the call's reference keeps its route alive
  EXPECT_EQ(running->revision, 1);
  EXPECT_EQ(running->app.get(), running_app);
  EXPECT_EQ(first_module(*running), "hello_one");
}

TEST_F(StoredRoutesTest, ABadRowIsLeftOutAndNamedWhileTheOthersLoad) {
  save(app_json("hello_one"));
  save("{\"name\": \"support\", \"pages\": []");  // stored by an older binary, unreadable now
  ASSERT_TRUE(deployments_->create({"good", "support", 1, {"100"}, {}, false}));
  ASSERT_TRUE(deployments_->create({"bad", "support", 2, {"200"}, {}, false}));
  auto stored = load();
  ASSERT_EQ(stored.routes.size(), 1u);
  EXPECT_EQ(stored.routes[0]->deployment.name, "good");
  ASSERT_EQ(stored.problems.size(), 1u);
  EXPECT_NE(stored.problems[0].find("stored deployment 'bad'"), std::string::npos)
      << stored.problems[0];
}

TEST_F(StoredRoutesTest, ASecureAppWithAnUnacknowledgedAuditErrorIsNotServed) {
  // A secure app that reads a card number into a non-private variable and logs it: the audit
  // blocks it, as it blocks a config app at start.
  save(R"({"name": "support", "settings": {"secure": true}, "pages": [{"name": "main",
    "modules": [
      {"type": "digits", "name": "card", "prompt": "Card?", "max_digits": 16, "private": false},
      {"type": "call_log", "name": "log", "text": "card {{card}}"},
      {"type": "exit", "name": "done"}]}]})");
  ASSERT_TRUE(deployments_->create({"pay", "support", 0, {"100"}, {}, false}));
  auto stored = load();
  EXPECT_TRUE(stored.routes.empty());
  ASSERT_EQ(stored.problems.size(), 1u);
  EXPECT_NE(stored.problems[0].find("privacy audit"), std::string::npos) << stored.problems[0];
}

}  // namespace
}  // namespace keyline::server
