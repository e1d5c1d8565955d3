#include <gtest/gtest.h>

#include <filesystem>

#include "api/authenticator.h"
#include "api/key_hasher.h"
#include "api/rate_limiter.h"
#include "base/base64.h"
#include "store/migrations.h"
#include "store/sqlite_repositories.h"

namespace keyline::api {
namespace {

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-auth-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto db = store::open_and_migrate(dir_ + "/k.db");
    ASSERT_TRUE(db);
    db_ = std::shared_ptr<store::Database>(std::move(*db));
    users_ = store::make_sqlite_users(db_);
    auto hasher = KeyHasher::load_or_create(dir_ + "/secret");
    ASSERT_TRUE(hasher) << hasher.error().message;
    hasher_ = std::make_unique<KeyHasher>(*hasher);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string make_key(const std::string& email, store::Role role) {
    auto id = users_->upsert(email, role, 1);
    auto key = hasher_->generate();
    EXPECT_TRUE(id && key);
    EXPECT_TRUE(users_->add_key({key->key_id, *id, key->hash, false}, 1));
    return key->key;
  }

  static std::string basic(const std::string& user, const std::string& password) {
    std::string pair = user + ":" + password;
    return "Basic " + base64_encode(std::span<const std::uint8_t>(
                          reinterpret_cast<const std::uint8_t*>(pair.data()), pair.size()));
  }

  std::string dir_;
  std::shared_ptr<store::Database> db_;
  std::unique_ptr<store::UserRepository> users_;
  std::unique_ptr<KeyHasher> hasher_;
};

TEST_F(AuthTest, TheSecretNeverReachesTheDatabase) {
  std::string key = make_key("dev@example.com", store::Role::kDeveloper);
  auto parsed = parse_api_key(key);
  ASSERT_TRUE(parsed);
  auto row = users_->find_key(parsed->key_id);
  ASSERT_TRUE(row && row->has_value());
  EXPECT_EQ((*row)->hash.find(parsed->secret), std::string::npos);
  EXPECT_NE((*row)->hash, parsed->secret);
  EXPECT_EQ((*row)->hash, hasher_->hash(parsed->secret));
}

TEST_F(AuthTest, BearerAndBasicAcceptTheRightKeyOnly) {
  std::string key = make_key("dev@example.com", store::Role::kDeveloper);
  std::string other = make_key("ops@example.com", store::Role::kAdmin);
  Authenticator auth(*users_, *hasher_);
  auto who = auth.authenticate("Bearer " + key);
  ASSERT_TRUE(who);
  EXPECT_EQ(who->email, "dev@example.com");
  EXPECT_EQ(who->role, store::Role::kDeveloper);
  EXPECT_TRUE(auth.authenticate(basic("dev@example.com", key)));
  // Someone else's valid key with my email is refused.
  EXPECT_FALSE(auth.authenticate(basic("dev@example.com", other)));
  EXPECT_FALSE(auth.authenticate(basic("nobody@example.com", key)));
  std::string tampered = key;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  for (const std::string& bad : {std::string(), std::string("Bearer"), "Bearer " + tampered,
                                 "Token " + key, std::string("Basic !!!"), "Bearer x" + key}) {
    auto r = auth.authenticate(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, "unauthenticated");
    EXPECT_EQ(r.error().message, "missing or invalid credentials");
  }
}

TEST_F(AuthTest, PepperFilePersistsSoKeysSurviveARestart) {
  std::string key = make_key("dev@example.com", store::Role::kViewer);
  auto again = KeyHasher::load_or_create(dir_ + "/secret");
  ASSERT_TRUE(again);
  Authenticator auth(*users_, *again);
  EXPECT_TRUE(auth.authenticate("Bearer " + key));
  auto other = KeyHasher::load_or_create(dir_ + "/other-secret");
  ASSERT_TRUE(other);
  Authenticator wrong(*users_, *other);
  EXPECT_FALSE(wrong.authenticate("Bearer " + key)) << "a different pepper must not verify";
  EXPECT_EQ(
      std::filesystem::status(dir_ + "/secret").permissions() & std::filesystem::perms::others_read,
      std::filesystem::perms::none);
}

TEST(RoleTest, AdminOverDeveloperOverViewer) {
  using store::Role;
  EXPECT_TRUE(role_allows(Role::kAdmin, Role::kDeveloper));
  EXPECT_TRUE(role_allows(Role::kDeveloper, Role::kViewer));
  EXPECT_FALSE(role_allows(Role::kViewer, Role::kDeveloper));
  EXPECT_FALSE(role_allows(Role::kDeveloper, Role::kAdmin));
}

TEST(RateLimiterTest, BurstThenRefillAtTheRate) {
  RateLimiter limiter(2.0, 3.0);
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter.take("k", t)) << i;
  auto wait = limiter.take("k", t);
  ASSERT_TRUE(wait);
  EXPECT_EQ(*wait, 1);
  EXPECT_FALSE(limiter.take("other", t)) << "buckets are per key";
  t += std::chrono::milliseconds(500);  // one token at 2/s
  EXPECT_FALSE(limiter.take("k", t));
  EXPECT_TRUE(limiter.take("k", t));
}

}  // namespace
}  // namespace keyline::api
