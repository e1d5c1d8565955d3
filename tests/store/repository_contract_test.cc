// One contract for every backend: the same cases run on SQLite and on
// PostgreSQL (typed tests; see backend_makers.h for how each is opened).
#include <gtest/gtest.h>

#include "backend_makers.h"

namespace keyline::store {
namespace {

template <class Maker>
class RepositoryContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
  }
  void TearDown() override {
    backend_.reset();
    maker_.close();
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(RepositoryContract, Makers, MakerName);

TYPED_TEST(RepositoryContract, AppRevisionsCountUpAndKeepEachDocument) {
  auto apps = this->backend_->apps();
  auto r1 = apps->save_revision("ivr", "{\"v\":1}", "a@example.com", 1000);
  ASSERT_TRUE(r1) << r1.error().message;
  auto r2 = apps->save_revision("ivr", "{\"v\":2}", "b@example.com", 2000);
  ASSERT_TRUE(r2) << r2.error().message;
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
  EXPECT_EQ((*first)->author, "a@example.com");
  auto all = apps->revisions("ivr");
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].revision, 2);
  EXPECT_EQ((*all)[0].document, "") << "the list leaves documents out";
  auto missing = apps->get("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
  EXPECT_FALSE(apps->revision("ivr", 3)->has_value());
}

TYPED_TEST(RepositoryContract, ListsSortByBytesWhateverTheLocale) {
  auto apps = this->backend_->apps();
  for (const char* name : {"beta", "Zulu", "alpha"})
    ASSERT_TRUE(apps->save_revision(name, "{}", "a", 1));
  auto list = apps->list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].name, "Zulu");
  EXPECT_EQ((*list)[1].name, "alpha");
  EXPECT_EQ((*list)[2].name, "beta");
}

TYPED_TEST(RepositoryContract, AnAppInUseByADeploymentCannotBeDeleted) {
  auto apps = this->backend_->apps();
  auto deployments = this->backend_->deployments();
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
  EXPECT_FALSE(*deployments->remove("main"));
  auto removed = apps->remove("ivr");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(*apps->remove("ivr"));
  EXPECT_TRUE(apps->revisions("ivr")->empty());
}

TYPED_TEST(RepositoryContract, DeploymentsRoundTripAndUpdateReplacesVariables) {
  ASSERT_TRUE(this->backend_->apps()->save_revision("ivr", "{}", "a", 1));
  auto deployments = this->backend_->deployments();
  DeploymentRecord d;
  d.label = "main";
  d.app = "ivr";
  d.revision = 1;
  d.numbers = {"100", "44*"};
  d.variables = {{"greeting", "hi"}};
  d.created_unix_ms = 5;
  d.updated_unix_ms = 6;
  ASSERT_TRUE(deployments->create(d));
  auto created = deployments->get("main");
  ASSERT_TRUE(created && created->has_value());
  EXPECT_EQ((*created)->numbers, (std::vector<std::string>{"100", "44*"}));
  EXPECT_EQ((*created)->revision, 1);
  EXPECT_EQ((*created)->created_unix_ms, 5);
  EXPECT_FALSE((*created)->secure);
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
  auto list = deployments->list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].variables, (std::map<std::string, std::string>{{"queue", "sales"}}));
}

TYPED_TEST(RepositoryContract, UsersKeysAndAuditEntries) {
  auto users = this->backend_->users();
  EXPECT_FALSE(*users->has_role(Role::kAdmin));
  auto id = users->upsert("ops@example.com", Role::kDeveloper, 5);
  ASSERT_TRUE(id) << id.error().message;
  auto again = users->upsert("ops@example.com", Role::kAdmin, 6);
  ASSERT_TRUE(again);
  EXPECT_EQ(*id, *again);
  EXPECT_TRUE(*users->has_role(Role::kAdmin));
  auto user = users->find_by_email("ops@example.com");
  ASSERT_TRUE(user && user->has_value());
  EXPECT_EQ((*user)->role, Role::kAdmin);
  EXPECT_EQ((*user)->created_unix_ms, 5);
  auto by_id = users->find_by_id(*id);
  ASSERT_TRUE(by_id && by_id->has_value());
  EXPECT_EQ((*by_id)->email, "ops@example.com");
  ASSERT_TRUE(users->add_key(ApiKeyRecord{"k1", *id, "abcd", false}, 7));
  EXPECT_FALSE(users->add_key(ApiKeyRecord{"k1", *id, "ef", false}, 8)) << "key ids are unique";
  auto key = users->find_key("k1");
  ASSERT_TRUE(key && key->has_value());
  EXPECT_EQ((*key)->hash, "abcd");
  EXPECT_EQ((*key)->user_id, *id);
  EXPECT_FALSE((*key)->revoked);
  EXPECT_FALSE(users->find_key("k2")->has_value());

  auto audit = this->backend_->audit_log();
  ASSERT_TRUE(audit->append({0, 10, "ops@example.com", "app.create", "ivr", "revision 1"}));
  ASSERT_TRUE(audit->append({0, 11, "ops@example.com", "app.delete", "ivr", ""}));
  auto recent = audit->recent(10);
  ASSERT_TRUE(recent);
  ASSERT_EQ(recent->size(), 2u);
  EXPECT_EQ((*recent)[0].action, "app.delete");
  EXPECT_EQ((*recent)[1].detail, "revision 1");
  EXPECT_EQ((*recent)[1].at_unix_ms, 10);
  EXPECT_EQ(audit->recent(1)->size(), 1u);
}

TYPED_TEST(RepositoryContract, RestoreKeepsRevisionsAndRefusesAnExistingApp) {
  auto apps = this->backend_->apps();
  AppRecord app{"ivr", "owner@example.com", "sales", 100, 300, 2};
  std::vector<AppRevision> revisions = {{"ivr", 1, "{\"v\":1}", "a@example.com", 100},
                                        {"ivr", 2, "{\"v\":2}", "b@example.com", 300}};
  ASSERT_TRUE(apps->restore(app, revisions));
  auto got = apps->get("ivr");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->owner, "owner@example.com");
  EXPECT_EQ((*got)->folder, "sales");
  EXPECT_EQ((*got)->updated_unix_ms, 300);
  auto second = apps->revision("ivr", 2);
  ASSERT_TRUE(second && second->has_value());
  EXPECT_EQ((*second)->author, "b@example.com");
  EXPECT_EQ((*second)->created_unix_ms, 300);
  auto next = apps->save_revision("ivr", "{\"v\":3}", "c@example.com", 400);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 3) << "new revisions continue after the restored ones";
  auto again = apps->restore(app, revisions);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, "conflict");
}

TYPED_TEST(RepositoryContract, AFailedTransactionUndoesNestedRepositoryWrites) {
  auto apps = this->backend_->apps();
  auto deployments = this->backend_->deployments();
  ASSERT_TRUE(apps->save_revision("kept", "{}", "a", 1));
  auto st = this->backend_->transaction([&]() -> Status {
    if (auto r = apps->save_revision("ivr", "{}", "a", 2); !r) return r.error();
    DeploymentRecord d;
    d.label = "main";
    d.app = "ivr";
    d.numbers = {"100"};
    if (auto c = deployments->create(d); !c) return c;
    AppRecord dup{"kept", "a", "", 1, 1, 1};
    return apps->restore(dup, {});  // fails: "kept" exists
  });
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().kind, "conflict");
  EXPECT_FALSE(apps->get("ivr")->has_value());
  EXPECT_FALSE(deployments->get("main")->has_value());
  EXPECT_EQ(apps->list()->size(), 1u);
  // The connection is usable afterwards, and a transaction that succeeds commits.
  ASSERT_TRUE(this->backend_->transaction([&]() -> Status {
    auto r = apps->save_revision("ivr", "{}", "a", 3);
    return r ? Status{Ok{}} : Status{r.error()};
  }));
  EXPECT_TRUE(apps->get("ivr")->has_value());
}

TYPED_TEST(RepositoryContract, ReopeningFindsTheDataAndMigratesNothingTwice) {
  ASSERT_TRUE(this->backend_->apps()->save_revision("ivr", "{}", "a", 1));
  auto reopened = this->maker_.reopen();
  ASSERT_TRUE(reopened) << reopened.error().message;
  auto app = (*reopened)->apps()->get("ivr");
  ASSERT_TRUE(app && app->has_value());
  EXPECT_NE((*reopened)->describe().find(TypeParam::kName[0] == 'S' ? "sqlite:" : "postgresql://"),
            std::string::npos);
}

}  // namespace
}  // namespace keyline::store
