// The prepared-statement cache of one SQLite connection (database.h): reuse,
// reset and cleared bindings on return, a bound on distinct SQL texts, and
// statements that stay correct when the schema under them changes.
#include <gtest/gtest.h>

#include "store/database.h"
#include "temp_db.h"

namespace keyline::store {
namespace {

using StatementCacheTest = TempDbTest;

std::int64_t one_integer(Database& db, const std::string& sql) {
  auto s = db.prepare(sql);
  EXPECT_TRUE(s) << (s ? "" : s.error().message);
  if (!s) return -1;
  auto row = s->step();
  EXPECT_TRUE(row && *row);
  return s->integer(0);
}

TEST_F(StatementCacheTest, AStatementGoesBackToTheCacheAndIsReused) {
  const std::size_t before = db_->cached_statements();
  const std::string sql = "SELECT 40 + 2 /* reuse */";
  EXPECT_EQ(one_integer(*db_, sql), 42);
  EXPECT_EQ(db_->cached_statements(), before + 1);
  {
    auto held = db_->prepare(sql);
    ASSERT_TRUE(held);
    // Taken out of the cache while in use...
    EXPECT_EQ(db_->cached_statements(), before);
    // ...so a second user of the same text gets a statement of its own.
    auto second = db_->prepare(sql);
    ASSERT_TRUE(second);
    ASSERT_TRUE(held->step());
    ASSERT_TRUE(second->step());
    EXPECT_EQ(held->integer(0), 42);
    EXPECT_EQ(second->integer(0), 42);
  }
  EXPECT_EQ(db_->cached_statements(), before + 2);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(one_integer(*db_, sql), 42);
  EXPECT_EQ(db_->cached_statements(), before + 2);  // reused, not prepared again
}

TEST_F(StatementCacheTest, AStatementLeftMidResultStartsAgainFromTheFirstRow) {
  ASSERT_TRUE(db_->exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1), (2), (3);"));
  const std::string sql = "SELECT n FROM t ORDER BY n";
  {
    auto s = db_->prepare(sql);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->step());
    ASSERT_TRUE(s->step());
    EXPECT_EQ(s->integer(0), 2);
  }  // abandoned on row 2
  auto s = db_->prepare(sql);
  ASSERT_TRUE(s);
  auto row = s->step();
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(s->integer(0), 1);
}

TEST_F(StatementCacheTest, BindingsAreClearedBeforeTheNextUser) {
  const std::string sql = "SELECT ?1 IS NULL, ?2 IS NULL";
  {
    auto s = db_->prepare(sql);
    ASSERT_TRUE(s);
    s->bind(1, std::int64_t{5});
    s->bind(2, std::string_view("secret"));
    auto row = s->step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(s->integer(0), 0);
    EXPECT_EQ(s->integer(1), 0);
  }
  auto s = db_->prepare(sql);
  ASSERT_TRUE(s);
  auto row = s->step();  // nothing bound this time
  ASSERT_TRUE(row && *row);
  EXPECT_EQ(s->integer(0), 1);
  EXPECT_EQ(s->integer(1), 1);
}

TEST_F(StatementCacheTest, CachedStatementsFollowSchemaChanges) {
  ASSERT_TRUE(db_->exec("CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x');"));
  const std::string sql = "SELECT * FROM t";
  auto columns_of_first_row = [&](Database& conn) {
    std::vector<std::string> out;
    auto s = conn.prepare(sql);
    EXPECT_TRUE(s);
    if (!s) return out;
    auto row = s->step();
    EXPECT_TRUE(row && *row);
    for (int c = 0; c < 3; ++c) out.push_back(s->is_null(c) ? "-" : s->text(c));
    return out;
  };
  // Each lease reads one snapshot, so every check takes a new one (as each request does); with
  // one reader allowed, they all get the same connection and so the same statement cache.
  db_->set_reader_limit(1);
  auto through_reader = [&] {
    auto reader = db_->read();
    EXPECT_TRUE(reader->read_only());
    return columns_of_first_row(*reader);
  };
  EXPECT_EQ(columns_of_first_row(*db_), (std::vector<std::string>{"x", "-", "-"}));
  EXPECT_EQ(through_reader(), (std::vector<std::string>{"x", "-", "-"}));
  const std::size_t cached = db_->read()->cached_statements();
  EXPECT_GE(cached, 1u);
  // A migration adds a column: both the writer's and a reader's cached statement see it.
  ASSERT_TRUE(db_->transaction([&] { return db_->exec("ALTER TABLE t ADD COLUMN b DEFAULT 7"); }));
  EXPECT_EQ(columns_of_first_row(*db_), (std::vector<std::string>{"x", "7", "-"}));
  EXPECT_EQ(through_reader(), (std::vector<std::string>{"x", "7", "-"}));
  // A migration rebuilds the table with other columns.
  ASSERT_TRUE(
      db_->exec("DROP TABLE t; CREATE TABLE t (p INTEGER, q TEXT, r TEXT); INSERT INTO t VALUES "
                "(1,'q','r');"));
  EXPECT_EQ(columns_of_first_row(*db_), (std::vector<std::string>{"1", "q", "r"}));
  EXPECT_EQ(through_reader(), (std::vector<std::string>{"1", "q", "r"}));
  EXPECT_EQ(db_->read()->cached_statements(), cached) << "the same statements, prepared again";
}

TEST_F(StatementCacheTest, DistinctSqlTextsAreBounded) {
  for (std::size_t i = 0; i < Database::kMaxCachedSql + 40; ++i)
    EXPECT_EQ(one_integer(*db_, "SELECT " + std::to_string(i)), static_cast<std::int64_t>(i));
  EXPECT_LE(db_->cached_statements(), Database::kMaxCachedSql);
  // Past the bound a statement still works; it is finalized instead of kept.
  EXPECT_EQ(one_integer(*db_, "SELECT 123456"), 123456);
  EXPECT_LE(db_->cached_statements(), Database::kMaxCachedSql);
}

TEST_F(StatementCacheTest, AFailedPrepareIsAnErrorAndCachesNothing) {
  const std::size_t before = db_->cached_statements();
  auto s = db_->prepare("SELEC nonsense");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("prepare"), std::string::npos);
  EXPECT_EQ(db_->cached_statements(), before);
}

}  // namespace
}  // namespace keyline::store
