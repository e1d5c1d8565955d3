// Teams, members and shares (store/teams.h) on SQLite and PostgreSQL, and a
// deployment's owner surviving an update.
#include <gtest/gtest.h>

#include "backend_makers.h"

namespace keyline::store {
namespace {

template <class Maker>
class TeamContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
    teams_ = backend_->teams();
  }
  void TearDown() override {
    teams_.reset();
    backend_.reset();
    maker_.close();
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
  std::unique_ptr<TeamRepository> teams_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(TeamContract, Makers, MakerName);

TYPED_TEST(TeamContract, TeamsKeepMembersAndRefuseADuplicateName) {
  auto& teams = *this->teams_;
  ASSERT_TRUE(teams.create({"ops", "lead@example.com", 1000, {"b@example.com", "a@example.com"}}));
  auto again = teams.create({"ops", "other@example.com", 2000, {}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind, "conflict");
  auto got = teams.get("ops");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->created_by, "lead@example.com");
  EXPECT_EQ((*got)->created_unix_ms, 1000);
  EXPECT_EQ((*got)->members, (std::vector<std::string>{"a@example.com", "b@example.com"}));
  EXPECT_TRUE(*teams.add_member("ops", "c@example.com"));
  EXPECT_TRUE(*teams.add_member("ops", "c@example.com")) << "adding twice is not an error";
  EXPECT_FALSE(*teams.add_member("nope", "c@example.com"));
  EXPECT_TRUE(*teams.remove_member("ops", "a@example.com"));
  EXPECT_FALSE(*teams.remove_member("ops", "a@example.com"));
  ASSERT_TRUE(teams.create({"dev", "lead@example.com", 1500, {}}));
  auto all = teams.list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "dev");
  EXPECT_EQ((*all)[1].members, (std::vector<std::string>{"b@example.com", "c@example.com"}));
  EXPECT_FALSE(teams.get("missing")->has_value());
}

TYPED_TEST(TeamContract, SharesReachUsersDirectlyAndThroughTeams) {
  auto& teams = *this->teams_;
  ASSERT_TRUE(teams.create({"ops", "lead@example.com", 1, {"t@example.com"}}));
  ASSERT_TRUE(teams.share({"app", "ivr", "user", "u@example.com", 5}));
  ASSERT_TRUE(teams.share({"app", "ivr", "user", "u@example.com", 6})) << "idempotent";
  ASSERT_TRUE(teams.share({"app", "billing", "team", "ops", 7}));
  ASSERT_TRUE(teams.share({"deployment", "main", "team", "ops", 8}));
  EXPECT_EQ(*teams.shared_with("app", "u@example.com"), std::vector<std::string>{"ivr"});
  EXPECT_EQ(*teams.shared_with("app", "t@example.com"), std::vector<std::string>{"billing"});
  EXPECT_EQ(*teams.shared_with("deployment", "t@example.com"), std::vector<std::string>{"main"});
  EXPECT_TRUE(teams.shared_with("app", "stranger@example.com")->empty());
  auto of = teams.shares_of("app", "ivr");
  ASSERT_TRUE(of);
  ASSERT_EQ(of->size(), 1u);
  EXPECT_EQ((*of)[0].grantee, "u@example.com");
  EXPECT_EQ((*of)[0].created_unix_ms, 5);

  // Leaving the team, or the team going away, closes what it opened.
  ASSERT_TRUE(*teams.remove_member("ops", "t@example.com"));
  EXPECT_TRUE(teams.shared_with("app", "t@example.com")->empty());
  ASSERT_TRUE(*teams.add_member("ops", "t@example.com"));
  ASSERT_TRUE(*teams.remove("ops"));
  EXPECT_FALSE(*teams.remove("ops"));
  EXPECT_TRUE(teams.shares_of("app", "billing")->empty()) << "a deleted team's shares go too";
  ASSERT_TRUE(teams.create({"ops", "lead@example.com", 1, {"t@example.com"}}));
  EXPECT_TRUE(teams.shared_with("app", "t@example.com")->empty()) << "a new team starts clean";

  EXPECT_TRUE(*teams.unshare({"app", "ivr", "user", "u@example.com", 0}));
  EXPECT_FALSE(*teams.unshare({"app", "ivr", "user", "u@example.com", 0}));
  ASSERT_TRUE(teams.share({"app", "ivr", "user", "u@example.com", 9}));
  ASSERT_TRUE(teams.remove_shares("app", "ivr"));
  EXPECT_TRUE(teams.shared_with("app", "u@example.com")->empty());
}

TYPED_TEST(TeamContract, ADeploymentKeepsItsOwnerAcrossUpdates) {
  auto apps = this->backend_->apps();
  ASSERT_TRUE(apps->save_revision("ivr", "{}", "a@example.com", 1));
  auto deployments = this->backend_->deployments();
  DeploymentRecord d;
  d.label = "main";
  d.app = "ivr";
  d.numbers = {"100"};
  d.owner = "a@example.com";
  ASSERT_TRUE(deployments->create(d));
  d.owner = "someone-else@example.com";
  d.numbers = {"200"};
  ASSERT_TRUE(*deployments->update(d));
  auto got = deployments->get("main");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->owner, "a@example.com");
  EXPECT_EQ((*got)->numbers, std::vector<std::string>{"200"});
  EXPECT_EQ((*deployments->list())[0].owner, "a@example.com");
}

}  // namespace
}  // namespace keyline::store
