#include "server/first_admin.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "store/migrations.h"
#include "store/sqlite_repositories.h"

namespace keyline::server {
namespace {

class FirstAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-first-admin-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto db = store::open_and_migrate(dir_ + "/k.db");
    ASSERT_TRUE(db);
    db_ = std::shared_ptr<store::Database>(std::move(*db));
    users_ = store::make_sqlite_users(db_);
    audit_ = store::make_sqlite_audit_log(db_);
    auto hasher = api::KeyHasher::load_or_create(dir_ + "/pepper");
    ASSERT_TRUE(hasher);
    hasher_ = std::make_unique<api::KeyHasher>(*hasher);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  Result<std::optional<CreatedKey>> create() {
    return create_first_admin_key(*db_, *users_, *audit_, *hasher_, 1'700'000'000'000);
  }

  std::string dir_;
  std::shared_ptr<store::Database> db_;
  std::unique_ptr<store::UserRepository> users_;
  std::unique_ptr<store::AuditLog> audit_;
  std::unique_ptr<api::KeyHasher> hasher_;
};

TEST_F(FirstAdminTest, CreatesOneAdminKeyOnceAndStoresOnlyItsHash) {
  auto first = create();
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(*first);
  auto parsed = api::parse_api_key((*first)->key);
  ASSERT_TRUE(parsed);
  auto stored = users_->find_key(parsed->key_id);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->hash.find(parsed->secret), std::string::npos);
  EXPECT_TRUE(hasher_->verify(parsed->secret, (*stored)->hash));
  auto user = users_->find_by_id((*stored)->user_id);
  ASSERT_TRUE(user && *user);
  EXPECT_EQ((*user)->role, store::Role::kAdmin);
  auto audit = audit_->recent(10);
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->size(), 1u);
  EXPECT_EQ(audit->front().action, "apikey.create");
  EXPECT_EQ(audit->front().target, parsed->key_id);

  auto again = create();
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "a second start created another admin key";
  EXPECT_EQ(audit_->recent(10)->size(), 1u);
}

TEST_F(FirstAdminTest, AnExistingAdminMeansNoNewKey) {
  ASSERT_TRUE(users_->upsert("ops@example.com", store::Role::kViewer, 1));
  auto with_viewer = create();
  ASSERT_TRUE(with_viewer);
  EXPECT_TRUE(*with_viewer) << "a viewer is not an admin";
  char tmpl[] = "/tmp/keyline-first-admin-XXXXXX";
  std::string other = mkdtemp(tmpl);
  auto db = store::open_and_migrate(other + "/k.db");
  ASSERT_TRUE(db);
  std::shared_ptr<store::Database> shared(std::move(*db));
  auto users = store::make_sqlite_users(shared);
  auto audit = store::make_sqlite_audit_log(shared);
  ASSERT_TRUE(users->upsert("ops@example.com", store::Role::kAdmin, 1));
  auto none = create_first_admin_key(*shared, *users, *audit, *hasher_, 1);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  std::filesystem::remove_all(other);
}

}  // namespace
}  // namespace keyline::server
