#include <gtest/gtest.h>

#include "store/sqlite_repositories.h"
#include "temp_db.h"

namespace keyline::store {
namespace {

using RepositoriesTest = TempDbTest;

TEST_F(RepositoriesTest, AppRevisionsCountUpAndKeepEachDocument) {
  auto apps = make_sqlite_apps(db_);
  auto r1 = apps->save_revision("ivr", "{\"v\":1}", "a@example.com", 1000);
  auto r2 = apps->save_revision("ivr", "{\"v\":2}", "b@example.com", 2000);
  ASSERT_TRUE(r1 && r2);
  EXPECT_EQ(*r1, 1);
  EXPECT_EQ(*r2, 2);
  auto app = apps->get("ivr");
  ASSERT_TRUE(app && app->has_value());
  EXPECT_EQ((*app)->owner, "a@example.com");
  EXPECT_EQ((*app)->created_unix_ms, 1000);
  EXPECT_EQ((*app)->updated_unix_ms, 2000);
  EXPECT_EQ((*app)->latest_revision, 2);
  auto first = apps->revision("ivr", 1);
  ASSERT_TRUE(first && first->has_value());
  EXPECT_EQ((*first)->document, "{\"v\":1}");
  auto all = apps->revisions("ivr");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].revision, 2);
  auto missing = apps->get("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST_F(RepositoriesTest, AnAppInUseByADeploymentCannotBeDeleted) {
  auto apps = make_sqlite_apps(db_);
  auto deployments = make_sqlite_deployments(db_);
  ASSERT_TRUE(apps->save_revision("ivr", "{}", "a@example.com", 1));
  DeploymentRecord d;
  d.label = "main";
  d.app = "ivr";
  d.numbers = {"100", "44*"};
  d.variables = {{"greeting", "hi"}, {"queue", "sales"}};
  d.secure = true;
  ASSERT_TRUE(deployments->create(d));
  auto blocked = apps->remove("ivr");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind, "conflict");
  ASSERT_TRUE(*deployments->remove("main"));
  auto removed = apps->remove("ivr");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(*apps->remove("ivr"));
  EXPECT_TRUE(apps->revisions("ivr")->empty());
}

TEST_F(RepositoriesTest, DeploymentsRoundTripAndUpdateReplacesVariables) {
  ASSERT_TRUE(make_sqlite_apps(db_)->save_revision("ivr", "{}", "a", 1));
  auto deployments = make_sqlite_deployments(db_);
  DeploymentRecord d;
  d.label = "main";
  d.app = "ivr";
  d.numbers = {"100", "44*"};
  d.variables = {{"greeting", "hi"}};
  ASSERT_TRUE(deployments->create(d));
  EXPECT_FALSE(deployments->create(d)) << "duplicate label must fail";
  d.numbers = {"200"};
  d.variables = {{"queue", "sales"}};
  d.secure = true;
  ASSERT_TRUE(*deployments->update(d));
  auto got = deployments->get("main");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->numbers, std::vector<std::string>{"200"});
  EXPECT_EQ((*got)->variables, (std::map<std::string, std::string>{{"queue", "sales"}}));
  EXPECT_TRUE((*got)->secure);
  d.label = "other";
  EXPECT_FALSE(*deployments->update(d));
  d.app = "no-such-app";
  EXPECT_FALSE(deployments->create(d)) << "a deployment must name an existing app";
  EXPECT_EQ(deployments->list()->size(), 1u);
}

TEST_F(RepositoriesTest, UsersKeysAndAuditEntries) {
  auto users = make_sqlite_users(db_);
  auto id = users->upsert("ops@example.com", Role::kDeveloper, 5);
  ASSERT_TRUE(id);
  auto again = users->upsert("ops@example.com", Role::kAdmin, 6);
  ASSERT_TRUE(again);
  EXPECT_EQ(*id, *again);
  auto user = users->find_by_email("ops@example.com");
  ASSERT_TRUE(user && user->has_value());
  EXPECT_EQ((*user)->role, Role::kAdmin);
  ASSERT_TRUE(users->add_key(ApiKeyRecord{"k1", *id, "abcd", false}, 7));
  auto key = users->find_key("k1");
  ASSERT_TRUE(key && key->has_value());
  EXPECT_EQ((*key)->hash, "abcd");
  EXPECT_EQ((*key)->user_id, *id);
  EXPECT_FALSE(users->find_key("k2")->has_value());

  auto audit = make_sqlite_audit_log(db_);
  ASSERT_TRUE(audit->append({0, 10, "ops@example.com", "app.create", "ivr", "revision 1"}));
  ASSERT_TRUE(audit->append({0, 11, "ops@example.com", "app.delete", "ivr", ""}));
  auto recent = audit->recent(10);
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].action, "app.delete");
}

}  // namespace
}  // namespace keyline::store
