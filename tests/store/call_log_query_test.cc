#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>

#include "store/call_log_store.h"
#include "store/retention.h"
#include "temp_db.h"

namespace keyline::store {
namespace {

class CallLogQueryTest : public TempDbTest {
 protected:
  void add(const std::string& id, std::int64_t start, const std::string& to, const std::string& app,
           const std::string& reason) {
    CallRecord r;
    r.call_id = id;
    r.sip_call_id = id + "@host";
    r.from = "sip:alice@example.com";
    r.to = to;
    r.app = app;
    r.start_unix_ms = start;
    r.end_unix_ms = start + 1000;
    r.exit_reason = reason;
    r.visits = {{"main", "greeting", "prompt", "next"}};
    ASSERT_TRUE(store().write(r));
  }
  CallLogStore& store() {
    if (!store_) store_ = make_sqlite_call_logs(db_);
    return *store_;
  }
  std::unique_ptr<CallLogStore> store_;
};

TEST_F(CallLogQueryTest, FiltersByRangeNumberAppAndDisposition) {
  add("a", 1000, "sip:100@h", "demo", "exit_module");
  add("b", 2000, "sip:200@h", "demo", "remote_bye");
  add("c", 3000, "sip:100@h", "sales", "remote_bye:0");
  add("d", 9000, "sip:100@h", "demo", "exit_module");
  CallQuery q;
  q.from_unix_ms = 1000;
  q.to_unix_ms = 9000;
  auto all = store().query(q);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].call_id, "c");
  EXPECT_TRUE((*all)[0].visits.empty()) << "details only when asked";
  q.number = "100";
  EXPECT_EQ(store().query(q)->size(), 2u);
  q.app = "sales";
  EXPECT_EQ(store().query(q)->size(), 1u);
  q = CallQuery{};
  q.disposition = "remote_bye";
  auto bye = store().query(q);
  ASSERT_EQ(bye->size(), 2u);
  q.disposition = "remote";
  EXPECT_TRUE(store().query(q)->empty()) << "a prefix that is not the whole reason matches nothing";
}

TEST_F(CallLogQueryTest, CursorPagesVisitEveryCallOnceEvenWithEqualStartTimes) {
  for (int i = 0; i < 25; ++i)
    add("call" + std::to_string(100 + i), 1000 + (i / 4), "sip:1@h", "demo", "x");
  CallQuery q;
  q.limit = 7;
  std::set<std::string> seen;
  for (int page = 0; page < 10; ++page) {
    auto rows = store().query(q);
    ASSERT_TRUE(rows);
    for (auto& r : *rows) EXPECT_TRUE(seen.insert(r.call_id).second) << r.call_id;
    if (rows->size() < 7u) break;
    q.after = std::make_pair(rows->back().start_unix_ms, rows->back().call_id);
  }
  EXPECT_EQ(seen.size(), 25u);
}

TEST_F(CallLogQueryTest, RetentionDropsOldDetailsFirstThenOldCalls) {
  constexpr std::int64_t kDay = 24LL * 3600 * 1000;
  std::int64_t now = 100 * kDay;
  add("old", now - 40 * kDay, "sip:1@h", "demo", "x");
  add("mid", now - 10 * kDay, "sip:1@h", "demo", "x");
  add("new", now - kDay / 2, "sip:1@h", "demo", "x");
  auto out = apply_retention(store(), RetentionPolicy{7, 30}, now);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->calls_removed, 1);
  EXPECT_FALSE(store().get("old")->has_value());
  auto mid = store().get("mid");
  ASSERT_TRUE(mid->has_value());
  EXPECT_TRUE((*mid)->visits.empty());
  EXPECT_EQ((*store().get("new"))->visits.size(), 1u);
}

TEST_F(CallLogQueryTest, RetentionJobRunsAtStartAndStopsPromptly) {
  add("ancient", 1000, "sip:1@h", "demo", "x");
  std::mutex m;
  std::condition_variable cv;
  bool ran = false;
  {
    RetentionJob job(store(), RetentionPolicy{1, 1}, std::chrono::hours(1),
                     [&](const Result<RetentionOutcome>& r) {
                       EXPECT_TRUE(r);
                       std::lock_guard lock(m);
                       ran = true;
                       cv.notify_all();
                     });
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return ran; }));
  }
  EXPECT_FALSE(store().get("ancient")->has_value());
}

}  // namespace
}  // namespace keyline::store
