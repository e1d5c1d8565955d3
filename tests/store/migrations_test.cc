#include "store/migrations.h"

#include <gtest/gtest.h>

#include "store/call_log_store.h"
#include "temp_db.h"

namespace keyline::store {
namespace {

using MigrationsTest = TempDbTest;

int version_of(Database& db) {
  auto s = db.prepare("PRAGMA user_version");
  EXPECT_TRUE(s);
  EXPECT_TRUE(*s->step());
  return static_cast<int>(s->integer(0));
}

TEST_F(MigrationsTest, FreshDatabaseReachesLatestVersionAndReopeningIsANoOp) {
  EXPECT_EQ(version_of(*db_), latest_schema_version());
  ASSERT_TRUE(migrate(*db_));
  EXPECT_EQ(version_of(*db_), latest_schema_version());
}

TEST_F(MigrationsTest, DatabaseFromANewerBinaryIsRefusedWithAClearError) {
  ASSERT_TRUE(db_->exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1)));
  db_.reset();
  auto again = open_and_migrate(path_);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("newer than this keyline"), std::string::npos)
      << again.error().message;
}

TEST_F(MigrationsTest, PreMigrationCallLogTablesAreUpgradedKeepingTheirRows) {
  db_.reset();
  std::filesystem::remove(path_);
  {
    auto raw = Database::open(path_);
    ASSERT_TRUE(raw);
    // The schema the call-log store created before versioned migrations.
    ASSERT_TRUE((*raw)->exec(
        "CREATE TABLE call_logs (call_id TEXT PRIMARY KEY, sip_call_id TEXT NOT NULL, "
        "from_uri TEXT NOT NULL, to_uri TEXT NOT NULL, app TEXT NOT NULL, start_unix_ms "
        "INTEGER NOT NULL, answer_unix_ms INTEGER NOT NULL, end_unix_ms INTEGER NOT NULL, "
        "exit_reason TEXT NOT NULL);"
        "CREATE TABLE call_log_visits (call_id TEXT NOT NULL, seq INTEGER NOT NULL, page TEXT "
        "NOT NULL, module TEXT NOT NULL, type TEXT NOT NULL, result TEXT NOT NULL, PRIMARY KEY "
        "(call_id, seq));"
        "INSERT INTO call_logs VALUES ('old', 's', 'f', 't', 'demo', 1, 2, 3, 'bye');"));
  }
  auto store = CallLogStore::open(path_);
  ASSERT_TRUE(store) << store.error().message;
  auto old = (*store)->get("old");
  ASSERT_TRUE(old);
  ASSERT_TRUE(old->has_value());
  EXPECT_EQ((*old)->exit_reason, "bye");
}

}  // namespace
}  // namespace keyline::store
