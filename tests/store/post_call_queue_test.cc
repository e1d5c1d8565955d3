// The post-call queue's contract on both backends (backend_makers.h): rows survive a reopen,
// one row per call, claims lease rows so they are not handed out twice, reschedule and remove.
#include <gtest/gtest.h>

#include "backend_makers.h"
#include "store/migrations.h"

namespace keyline::store {
namespace {

template <class Maker>
class PostCallQueueContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
    queue_ = backend_->post_call_queue();
  }
  void TearDown() override {
    queue_.reset();
    backend_.reset();
    maker_.close();
  }

  static PostCallItem item(const std::string& call_id, std::int64_t due) {
    PostCallItem i;
    i.call_id = call_id;
    i.method = "POST";
    i.url = "https://crm.example.com/calls?x=1";
    i.headers = {{"Content-Type", "application/json"}, {"Idempotency-Key", call_id}};
    i.body = "{\"id\":\"" + call_id + "\"}";
    i.auth = "oauth2\nhttps://auth.example.com/token\nkl\nenv:SECRET\n";
    i.body_file = "/var/lib/keyline/recordings/" + call_id + "-call.wav";
    i.timeout_ms = 5000;
    i.created_unix_ms = due;
    i.next_attempt_unix_ms = due;
    return i;
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
  std::unique_ptr<PostCallQueue> queue_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(PostCallQueueContract, Makers, MakerName);

TYPED_TEST(PostCallQueueContract, RowsSurviveAReopenWithEveryField) {
  ASSERT_TRUE(this->queue_->add(this->item("c1", 1000)));
  ASSERT_TRUE(this->queue_->add(this->item("c2", 2000)));
  this->queue_.reset();
  this->backend_.reset();
  auto reopened = this->maker_.reopen();
  ASSERT_TRUE(reopened) << reopened.error().message;
  this->backend_ = *reopened;
  this->queue_ = this->backend_->post_call_queue();
  auto size = this->queue_->size();
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, 2u);
  auto due = this->queue_->claim_due(1500, 60000, 10);
  ASSERT_TRUE(due) << due.error().message;
  ASSERT_EQ(due->size(), 1u);
  const PostCallItem& got = due->front();
  EXPECT_EQ(got.call_id, "c1");
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.url, "https://crm.example.com/calls?x=1");
  ASSERT_EQ(got.headers.size(), 2u);
  EXPECT_EQ(got.headers[1].first, "Idempotency-Key");
  EXPECT_EQ(got.headers[1].second, "c1");
  EXPECT_EQ(got.body, "{\"id\":\"c1\"}");
  EXPECT_EQ(got.auth, "oauth2\nhttps://auth.example.com/token\nkl\nenv:SECRET\n");
  EXPECT_EQ(got.body_file, "/var/lib/keyline/recordings/c1-call.wav");
  EXPECT_EQ(got.timeout_ms, 5000);
  EXPECT_EQ(got.created_unix_ms, 1000);
  EXPECT_EQ(got.attempts, 0);
  EXPECT_GT(got.id, 0);
}

TYPED_TEST(PostCallQueueContract, OneRowPerCall) {
  ASSERT_TRUE(this->queue_->add(this->item("same", 1000)));
  ASSERT_TRUE(this->queue_->add(this->item("same", 1000)));  // a retried enqueue: ignored
  auto size = this->queue_->size();
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, 1u);
}

TYPED_TEST(PostCallQueueContract, AClaimLeasesRowsUntilTheLeaseRunsOut) {
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE(this->queue_->add(this->item("c" + std::to_string(i), 100 + i)));
  auto first = this->queue_->claim_due(1000, 5000, 3);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].call_id, "c0");  // oldest first
  EXPECT_EQ((*first)[2].call_id, "c2");
  auto second = this->queue_->claim_due(1000, 5000, 10);
  ASSERT_TRUE(second);
  ASSERT_EQ(second->size(), 2u);  // the first three are leased
  EXPECT_EQ((*second)[0].call_id, "c3");
  auto none = this->queue_->claim_due(5999, 5000, 10);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto again = this->queue_->claim_due(6000, 5000, 10);  // every lease ran out
  ASSERT_TRUE(again);
  EXPECT_EQ(again->size(), 5u);
  auto next = this->queue_->next_due();
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, 11000);
}

TYPED_TEST(PostCallQueueContract, RescheduleAndRemove) {
  ASSERT_TRUE(this->queue_->add(this->item("a", 100)));
  ASSERT_TRUE(this->queue_->add(this->item("b", 100)));
  auto due = this->queue_->claim_due(100, 1000, 10);
  ASSERT_TRUE(due);
  ASSERT_EQ(due->size(), 2u);
  ASSERT_TRUE(this->queue_->remove((*due)[0].id));
  ASSERT_TRUE(this->queue_->reschedule((*due)[1].id, 3, 50000, "connect: refused"));
  auto early = this->queue_->claim_due(49999, 1000, 10);
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());
  auto later = this->queue_->claim_due(50000, 1000, 10);
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].call_id, "b");
  EXPECT_EQ((*later)[0].attempts, 3);
  EXPECT_EQ((*later)[0].last_error, "connect: refused");
  ASSERT_TRUE(this->queue_->remove((*later)[0].id));
  auto size = this->queue_->size();
  ASSERT_TRUE(size);
  EXPECT_EQ(*size, 0u);
  auto next = this->queue_->next_due();
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, -1);
}

TEST(PostCallHeaderLines, RoundTripAndSkipForeignLines) {
  const std::vector<std::pair<std::string, std::string>> headers = {
      {"Content-Type", "application/json"}, {"X-Empty", ""}, {"Authorization", "Bearer a: b"}};
  EXPECT_EQ(decode_header_lines(encode_header_lines(headers)), headers);
  auto odd = decode_header_lines("no colon here\n: no name\nX-A: 1");
  ASSERT_EQ(odd.size(), 1u);
  EXPECT_EQ(odd[0].first, "X-A");
}

}  // namespace
}  // namespace keyline::store
