// Read-only connections (Database::read): readers beside the writer see only
// committed data and never wait for it; a thread inside its own transaction
// reads its own writes; call logs read on several threads while the writer
// writes are always whole and correct.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

#include "store/call_log_store.h"
#include "store/database.h"
#include "temp_db.h"

namespace keyline::store {
namespace {

using ReadConnectionsTest = TempDbTest;

std::int64_t count_rows(Database& conn) {
  auto s = conn.prepare("SELECT count(*) FROM t");
  EXPECT_TRUE(s);
  if (!s) return -1;
  auto row = s->step();
  EXPECT_TRUE(row && *row);
  return s->integer(0);
}

TEST_F(ReadConnectionsTest, ALeaseIsReadOnly) {
  ASSERT_TRUE(db_->exec("CREATE TABLE t (n INTEGER)"));
  auto conn = db_->read();
  EXPECT_TRUE(conn->read_only());
  EXPECT_NE(&*conn, db_.get());
  EXPECT_FALSE(conn->exec("INSERT INTO t VALUES (1)"));
  EXPECT_EQ(count_rows(*db_), 0);
}

TEST_F(ReadConnectionsTest, ReadersSeeCommitsOnlyAndDoNotWaitForTheWriter) {
  ASSERT_TRUE(db_->exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1);"));
  std::promise<void> written, checked;
  auto checked_future = checked.get_future();
  std::thread writer([&] {
    auto st = db_->transaction([&]() -> Status {
      if (auto e = db_->exec("INSERT INTO t VALUES (2)"); !e) return e;
      // Inside the transaction this thread reads its own write...
      {
        auto own = db_->read();
        EXPECT_EQ(&*own, db_.get());
        EXPECT_EQ(count_rows(*own), 2);
      }
      written.set_value();
      checked_future.wait();  // ...while another thread reads, the transaction still open
      return Ok{};
    });
    EXPECT_TRUE(st);
  });
  written.get_future().wait();
  {
    // Would deadlock (the writer waits for `checked`) if readers queued on the writer.
    auto other = db_->read();
    EXPECT_TRUE(other->read_only());
    EXPECT_EQ(count_rows(*other), 1);  // the uncommitted row is not visible
  }
  checked.set_value();
  writer.join();
  auto after = db_->read();
  EXPECT_EQ(count_rows(*after), 2);
}

TEST_F(ReadConnectionsTest, ALeaseReadsOneSnapshot) {
  ASSERT_TRUE(db_->exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1);"));
  auto lease = db_->read();
  ASSERT_TRUE(lease->read_only());
  EXPECT_EQ(count_rows(*lease), 1);
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (2)"));  // the writer is not blocked by it...
  EXPECT_EQ(count_rows(*lease), 1);                    // ...and the lease keeps its snapshot
  auto fresh = db_->read();
  EXPECT_EQ(count_rows(*fresh), 2);
}

TEST_F(ReadConnectionsTest, WithEveryReaderOutReadsFallBackToTheMainConnection) {
  ASSERT_TRUE(db_->exec("CREATE TABLE t (n INTEGER)"));
  db_->set_reader_limit(1);
  auto first = db_->read();
  EXPECT_TRUE(first->read_only());
  auto second = db_->read();  // same thread, reader out: the main connection
  EXPECT_EQ(&*second, db_.get());
  EXPECT_EQ(count_rows(*second), 0);
  db_->set_reader_limit(0);
  auto third = db_->read();
  EXPECT_EQ(&*third, db_.get());
}

CallRecord numbered_call(int n) {
  CallRecord r;
  r.call_id = "call-" + std::to_string(n);
  r.sip_call_id = "sip-" + std::to_string(n);
  r.from = "sip:caller@example.com";
  r.to = "sip:" + std::to_string(1000 + n) + "@127.0.0.1";
  r.app = "demo";
  r.start_unix_ms = 1'000'000 + n;
  r.end_unix_ms = r.start_unix_ms + 5000;
  r.exit_reason = "exit_module";
  r.direction = "inbound";
  // A different number of entries per call, so a half-written call would show.
  for (int v = 0; v < 1 + n % 5; ++v)
    r.visits.push_back({"main", "m" + std::to_string(v), "prompt", std::to_string(n)});
  return r;
}

TEST_F(ReadConnectionsTest, CallLogsReadOnSeveralThreadsWhileTheWriterWritesAreCorrect) {
  constexpr int kCalls = 300;
  auto writer_store = make_sqlite_call_logs(db_, privacy::RedactionPolicy{});
  auto reader_store = make_sqlite_call_logs(db_, privacy::RedactionPolicy{});
  std::atomic<bool> done{false};
  std::atomic<int> seen_whole{0};
  auto check = [&](int n, const CallRecord& got) {
    const CallRecord want = numbered_call(n);
    EXPECT_EQ(got.call_id, want.call_id);
    EXPECT_EQ(got.start_unix_ms, want.start_unix_ms);
    ASSERT_EQ(got.visits.size(), want.visits.size()) << got.call_id;
    for (std::size_t v = 0; v < want.visits.size(); ++v) {
      EXPECT_EQ(got.visits[v].module, want.visits[v].module);
      EXPECT_EQ(got.visits[v].result, want.visits[v].result);
    }
  };
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      // Bounded: at most this many reads, ending early once the writer is done.
      for (int i = 0; i < 20'000 && !done.load(); ++i) {
        const int n = (i * 7 + t * 13) % kCalls;
        auto got = reader_store->get("call-" + std::to_string(n));
        ASSERT_TRUE(got) << got.error().message;
        if (*got) {
          check(n, **got);
          seen_whole.fetch_add(1);
        }
        if (i % 50 == 0) {
          CallQuery q;
          q.limit = 20;
          q.with_details = true;
          auto page = reader_store->query(q);
          ASSERT_TRUE(page) << page.error().message;
          for (const auto& r : *page) check(std::stoi(r.call_id.substr(5)), r);
        }
      }
    });
  }
  // Written in batches, as the call-log writer thread does.
  for (int n = 0; n < kCalls; n += 10) {
    std::vector<CallRecord> batch;
    for (int k = n; k < n + 10; ++k) batch.push_back(numbered_call(k));
    for (const auto& st : writer_store->write_batch(batch)) ASSERT_TRUE(st) << st.error().message;
  }
  done.store(true);
  for (auto& r : readers) r.join();
  for (int n = 0; n < kCalls; ++n) {
    auto got = reader_store->get("call-" + std::to_string(n));
    ASSERT_TRUE(got);
    ASSERT_TRUE(*got) << n;
    check(n, **got);
  }
}

}  // namespace
}  // namespace keyline::store
