// The outbound queue's contract on every backend (SQLite here; PostgreSQL in
// integration.pg_store): adding all or nothing, claiming due calls once, expiring, cancelling,
// and the result POST bookkeeping.
#include <gtest/gtest.h>

#include "backend_makers.h"

namespace keyline::store {
namespace {

template <class Maker>
class OutboundContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
    queue_ = backend_->outbound();
  }
  void TearDown() override {
    queue_.reset();
    backend_.reset();
    maker_.close();
  }

  static OutboundCall call(const std::string& id, const std::string& deployment,
                           std::int64_t start) {
    OutboundCall c;
    c.id = id;
    c.deployment = deployment;
    c.owner = "dev@example.com";
    c.phone_number = "6175551234";
    c.ani = "8005550000";
    c.postd = "9";
    c.parameters = R"({"patient":"Ada"})";
    c.result_url = "https://example.com/r";
    c.max_attempts = 2;
    c.reattempt_wait_s = 60;
    c.queued_unix_ms = 1000;
    c.start_unix_ms = start;
    c.next_attempt_unix_ms = start;
    c.events.push_back({"queued", 1000});
    return c;
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
  std::unique_ptr<OutboundRepository> queue_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(OutboundContract, Makers, MakerName);

TYPED_TEST(OutboundContract, AddKeepsEveryFieldAndADuplicateAddsNothing) {
  auto& q = *this->queue_;
  auto a = this->call("a", "reminders", 5000);
  a.secure = true;
  a.events.push_back({"note with spaces", 1001});
  ASSERT_TRUE(q.add({a}));
  auto got = q.get("a");
  ASSERT_TRUE(got && got->has_value());
  const OutboundCall& g = **got;
  EXPECT_EQ(g.deployment, "reminders");
  EXPECT_EQ(g.owner, "dev@example.com");
  EXPECT_EQ(g.ani, "8005550000");
  EXPECT_EQ(g.postd, "9");
  EXPECT_EQ(g.parameters, R"({"patient":"Ada"})");
  EXPECT_TRUE(g.secure);
  EXPECT_EQ(g.status, OutboundStatus::kQueued);
  EXPECT_EQ(g.max_attempts, 2);
  EXPECT_EQ(g.start_unix_ms, 5000);
  ASSERT_EQ(g.events.size(), 2u);
  EXPECT_EQ(g.events[1].event, "note with spaces");
  EXPECT_EQ(g.events[1].at_unix_ms, 1001);
  // A batch with one bad row (a duplicate id) writes none of its rows.
  EXPECT_FALSE(q.add({this->call("b", "reminders", 0), this->call("a", "reminders", 0)}));
  auto b = q.get("b");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->has_value());
  auto missing = q.get("nope");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TYPED_TEST(OutboundContract, ClaimTakesDueCallsOnceOldestFirstUpToTheLimit) {
  auto& q = *this->queue_;
  ASSERT_TRUE(q.add({this->call("late", "d", 9000), this->call("first", "d", 2000),
                     this->call("second", "d", 3000), this->call("third", "d", 4000)}));
  auto none = q.claim_due(1500, 10);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto two = q.claim_due(5000, 2);
  ASSERT_TRUE(two) << two.error().message;
  ASSERT_EQ(two->size(), 2u);
  EXPECT_EQ((*two)[0].id, "first");
  EXPECT_EQ((*two)[1].id, "second");
  EXPECT_EQ((*two)[0].status, OutboundStatus::kDialing);
  EXPECT_EQ((*two)[0].attempts, 1);
  EXPECT_EQ((*two)[0].events.back().event, "dialing");
  auto stored = q.get("first");
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((**stored).status, OutboundStatus::kDialing);
  auto rest = q.claim_due(5000, 10);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 1u);
  EXPECT_EQ((*rest)[0].id, "third");
}

TYPED_TEST(OutboundContract, UpdateExpireCancelAndResults) {
  auto& q = *this->queue_;
  auto windowed = this->call("windowed", "d", 1000);
  windowed.end_unix_ms = 4000;
  ASSERT_TRUE(
      q.add({windowed, this->call("pending", "d", 99'000), this->call("other", "e", 99'000)}));
  auto expired = q.expire(5000);
  ASSERT_TRUE(expired);
  EXPECT_EQ(*expired, 1);
  auto w = q.get("windowed");
  ASSERT_TRUE(w && w->has_value());
  EXPECT_EQ((**w).status, OutboundStatus::kFailed);
  EXPECT_EQ((**w).last_result, "expired");
  EXPECT_TRUE((**w).result_pending);
  EXPECT_FALSE(q.claim_due(5000, 10)->size());  // an expired call is never dialled

  auto canceled = q.cancel_pending("d", 6000);
  ASSERT_TRUE(canceled);
  EXPECT_EQ(*canceled, 1);  // "windowed" is already final
  auto p = q.get("pending");
  ASSERT_TRUE(p && p->has_value());
  EXPECT_EQ((**p).status, OutboundStatus::kCanceled);
  EXPECT_EQ((**p).events.back().event, "canceled");
  auto o = q.get("other");
  EXPECT_EQ((**o).status, OutboundStatus::kQueued);  // another deployment's call

  auto results = q.results_due(10);
  ASSERT_TRUE(results);
  ASSERT_EQ(results->size(), 2u);
  OutboundCall done = (*results)[0];
  done.result_pending = false;
  done.session_ids = {"s1", "s2"};
  auto updated = q.update(done);
  ASSERT_TRUE(updated);
  EXPECT_TRUE(*updated);
  EXPECT_EQ(q.results_due(10)->size(), 1u);
  auto again = q.get(done.id);
  EXPECT_EQ((**again).session_ids, (std::vector<std::string>{"s1", "s2"}));
  OutboundCall ghost = done;
  ghost.id = "ghost";
  EXPECT_FALSE(*q.update(ghost));

  auto listed = q.list("d", 10);
  ASSERT_TRUE(listed);
  EXPECT_EQ(listed->size(), 2u);
}

}  // namespace
}  // namespace keyline::store
