// The PostgreSQL connection pool (store/pg_connection.h) against a real
// server: tests/integration/pg_pool_test.sh starts one and runs these cases
// (PgPool/Postgres.*); the unit run filters them out like the contract
// tests' PostgreSQL cases.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "backend_makers.h"

namespace keyline::store {
namespace {

template <class Maker>
class PgPool : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_pool_test.sh does)";
    auto opened = maker_.open();  // a fresh, migrated database of its own
    ASSERT_TRUE(opened) << opened.error().message;
    opened->reset();
  }
  void TearDown() override { maker_.close(); }

  std::unique_ptr<PgConnection> pool(int size) {
    auto c = PgConnection::connect(maker_.base_ + "/" + maker_.name_, "", size);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }

  // Ends every session on this test's database (waiting until each has exited), as an operator's
  // pg_terminate_backend or a server restart would.
  void terminate_all() {
    auto admin = PgConnection::connect(maker_.base_ + "/postgres");
    ASSERT_TRUE(admin) << admin.error().message;
    auto r = (*admin)->query(
        "SELECT count(pg_terminate_backend(pid, 60000)) FROM pg_stat_activity WHERE datname = $1",
        {maker_.name_});
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_GE(r->integer(0, 0), 1);
  }

  Maker maker_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<PostgresMaker>;
TYPED_TEST_SUITE(PgPool, Makers, MakerName);

TYPED_TEST(PgPool, AThreadHoldingAConnectionDoesNotBlockTheOthers) {
  auto db = this->pool(4);
  ASSERT_TRUE(db);
  auto lease = db->lock();  // this thread keeps one connection pinned
  auto mine = db->query("SELECT pg_backend_pid()");
  ASSERT_TRUE(mine);
  // With one connection behind a mutex the other thread would wait for the
  // lease; with a pool it runs on a second connection (another backend pid).
  auto other = std::async(std::launch::async, [&] { return db->query("SELECT pg_backend_pid()"); });
  ASSERT_EQ(other.wait_for(std::chrono::seconds(60)), std::future_status::ready);
  auto theirs = other.get();
  ASSERT_TRUE(theirs) << theirs.error().message;
  EXPECT_NE(mine->integer(0, 0), theirs->integer(0, 0));
  EXPECT_EQ(db->open_connections(), 2);
}

TYPED_TEST(PgPool, ManyThreadsShareAFewConnections) {
  auto db = this->pool(3);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec_script("CREATE TABLE hits (thread INTEGER, n INTEGER)"));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int n = 0; n < 25; ++n) {
        // A transaction per write: BEGIN..COMMIT must stay on one connection.
        auto st = db->transaction([&]() -> Status {
          return db->exec("INSERT INTO hits (thread, n) VALUES ($1, $2)", {t, n});
        });
        if (!st) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto count = db->query("SELECT count(*), count(DISTINCT thread) FROM hits");
  ASSERT_TRUE(count);
  EXPECT_EQ(count->integer(0, 0), 8 * 25);
  EXPECT_EQ(count->integer(0, 1), 8);
  EXPECT_LE(db->open_connections(), 3);
}

TYPED_TEST(PgPool, TerminatedBackendsAreReplaced) {
  auto db = this->pool(4);
  ASSERT_TRUE(db);
  // Open several connections, then have the server end all of them.
  {
    auto lease = db->lock();
    auto other = std::async(std::launch::async, [&] { return db->query("SELECT 1"); });
    ASSERT_EQ(other.wait_for(std::chrono::seconds(60)), std::future_status::ready);
    ASSERT_TRUE(other.get());
    ASSERT_TRUE(db->query("SELECT 1"));
  }
  this->terminate_all();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i)
        if (!db->query("SELECT 1")) ++failures;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(db->replaced_connections(), 1u);
}

TYPED_TEST(PgPool, AConnectionLostInsideATransactionFailsItInsteadOfRetrying) {
  auto db = this->pool(1);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec_script("CREATE TABLE t (v INTEGER)"));
  auto st = db->transaction([&]() -> Status {
    if (auto e = db->exec("INSERT INTO t (v) VALUES (1)"); !e) return e;
    this->terminate_all();
    return db->exec("INSERT INTO t (v) VALUES (2)");
  });
  EXPECT_FALSE(st);
  auto rows = db->query("SELECT count(*) FROM t");
  ASSERT_TRUE(rows) << rows.error().message;
  EXPECT_EQ(rows->integer(0, 0), 0) << "neither insert survived";
}

}  // namespace
}  // namespace keyline::store
