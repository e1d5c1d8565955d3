// Retention per entity (issue 9) on SQLite and PostgreSQL, with an injected
// "now": the audit log, finished outbound calls and undelivered post-call
// requests each have their own limit, and live rows are never touched.
#include <gtest/gtest.h>

#include "backend_makers.h"
#include "store/retention.h"

namespace keyline::store {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;
constexpr std::int64_t kNow = 1'800'000'000'000;

template <class Maker>
class RetentionContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
    calls_ = backend_->call_logs(privacy::RedactionPolicy{});
    targets_ = backend_->retention_targets();
  }
  void TearDown() override {
    targets_.reset();
    calls_.reset();
    backend_.reset();
    maker_.close();
  }

  void outbound(const std::string& id, OutboundStatus status, std::int64_t queued,
                std::int64_t hung_up) {
    OutboundCall c;
    c.id = id;
    c.deployment = "d";
    c.owner = "a@example.com";
    c.phone_number = "100";
    c.status = status;
    c.queued_unix_ms = queued;
    c.next_attempt_unix_ms = queued;
    c.disconnected_unix_ms = hung_up;
    ASSERT_TRUE(backend_->outbound()->add({c}));
  }

  void post_call(const std::string& call_id, std::int64_t created, const std::string& file) {
    PostCallItem item;
    item.call_id = call_id;
    item.method = "POST";
    item.url = "https://example.com/hook";
    item.created_unix_ms = created;
    item.next_attempt_unix_ms = created;
    item.body_file = file;
    ASSERT_TRUE(backend_->post_call_queue()->add(item));
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
  std::unique_ptr<CallLogStore> calls_;
  std::unique_ptr<RetentionTargets> targets_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(RetentionContract, Makers, MakerName);

TYPED_TEST(RetentionContract, EachEntityKeepsItsOwnNumberOfDays) {
  auto audit = this->backend_->audit_log();
  ASSERT_TRUE(audit->append({0, kNow - 400 * kDay, "a@example.com", "app.create", "old", ""}));
  ASSERT_TRUE(audit->append({0, kNow - 100 * kDay, "a@example.com", "app.create", "mid", ""}));
  ASSERT_TRUE(audit->append({0, kNow - kDay, "a@example.com", "app.create", "new", ""}));
  this->outbound("done-old", OutboundStatus::kCompleted, kNow - 50 * kDay, kNow - 50 * kDay);
  // Queued long ago, but it hung up recently: its last activity counts.
  this->outbound("done-late", OutboundStatus::kFailed, kNow - 50 * kDay, kNow - kDay);
  this->outbound("waiting-old", OutboundStatus::kQueued, kNow - 50 * kDay, 0);
  this->outbound("canceled-old", OutboundStatus::kCanceled, kNow - 40 * kDay, 0);
  this->post_call("pc-old", kNow - 10 * kDay, "");
  this->post_call("pc-upload", kNow - 10 * kDay, "/nonexistent/recording.wav");
  this->post_call("pc-new", kNow - 1000, "");

  RetentionPolicy policy;
  policy.detail_days = 0;
  policy.audit_days = 365;
  policy.outbound_days = 30;
  policy.post_call_days = 7;
  auto out = apply_retention(*this->calls_, policy, kNow, this->targets_.get());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->audit_removed, 1);
  EXPECT_EQ(out->outbound_removed, 2);
  EXPECT_EQ(out->post_call_removed, 1);

  auto left = audit->recent(10);
  ASSERT_EQ(left->size(), 2u);
  EXPECT_EQ((*left)[1].target, "mid");
  auto outbound = this->backend_->outbound();
  EXPECT_FALSE(outbound->get("done-old")->has_value());
  EXPECT_FALSE(outbound->get("canceled-old")->has_value());
  EXPECT_TRUE(outbound->get("done-late")->has_value());
  EXPECT_TRUE(outbound->get("waiting-old")->has_value()) << "a queued call is never purged";
  EXPECT_EQ(*this->backend_->post_call_queue()->size(), 2u) << "the upload and the new one stay";

  // Zero keeps everything; without targets only the call-log limits apply.
  auto again = apply_retention(*this->calls_, RetentionPolicy{0, 0, 0, 0, 0}, kNow + 9999 * kDay,
                               this->targets_.get());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->audit_removed + again->outbound_removed + again->post_call_removed, 0);
  auto untargeted = apply_retention(*this->calls_, policy, kNow + 9999 * kDay);
  ASSERT_TRUE(untargeted);
  EXPECT_EQ(untargeted->audit_removed, 0);
  EXPECT_EQ(audit->recent(10)->size(), 2u);
}

}  // namespace
}  // namespace keyline::store
