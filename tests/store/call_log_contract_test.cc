// The call-log store's contract on both backends (see backend_makers.h):
// redaction at write time, filters, keyset pages, an atomic write, retention.
#include <gtest/gtest.h>

#include "backend_makers.h"
#include "store/retention.h"

namespace keyline::store {
namespace {

template <class Maker>
class CallLogContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
    calls_ = backend_->call_logs(privacy::RedactionPolicy{});
  }
  void TearDown() override {
    calls_.reset();
    backend_.reset();
    maker_.close();
  }

  void add(const std::string& id, std::int64_t start, const std::string& to, const std::string& app,
           const std::string& reason) {
    CallRecord r;
    r.call_id = id;
    r.sip_call_id = id + "@host";
    r.from = "sip:alice@example.com";
    r.to = to;
    r.app = app;
    r.start_unix_ms = start;
    r.answer_unix_ms = start + 10;
    r.end_unix_ms = start + 1000;
    r.exit_reason = reason;
    r.visits = {{"main", "greeting", "prompt", "next"}, {"main", "menu", "menu", "1"}};
    ASSERT_TRUE(calls_->write(r));
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
  std::unique_ptr<CallLogStore> calls_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(CallLogContract, Makers, MakerName);

TYPED_TEST(CallLogContract, WritesRedactedAndReadsBackWithDetails) {
  CallRecord r;
  r.call_id = "c1";
  r.sip_call_id = "x@h";
  r.from = "sip:alice@example.com";
  r.to = "sip:100@h";
  r.app = "pay";
  r.start_unix_ms = 1000;
  r.end_unix_ms = 2000;
  r.exit_reason = "exit_module";
  r.visits = {{"pay", "card", "digits", "success:4111111111111111"}, {"pay", "bye", "exit", "x"}};
  ASSERT_TRUE(this->calls_->write(r));
  auto got = this->calls_->get("c1");
  ASSERT_TRUE(got && got->has_value()) << (got ? "" : got.error().message);
  ASSERT_EQ((*got)->visits.size(), 2u);
  EXPECT_EQ((*got)->visits[0].result, "success:411111******1111");
  EXPECT_EQ((*got)->visits[1].module, "bye");
  EXPECT_EQ((*got)->end_unix_ms, 2000);
  EXPECT_FALSE(this->calls_->get("nope")->has_value());
  CallRecord dup = r;
  dup.visits.push_back({"p", "m", "prompt", "x"});
  EXPECT_FALSE(this->calls_->write(dup)) << "a duplicate id fails";
  EXPECT_EQ((*this->calls_->get("c1"))->visits.size(), 2u) << "and writes no visits";
}

TYPED_TEST(CallLogContract, KeepsTheCallsMediaQuality) {
  CallRecord r;
  r.call_id = "m1";
  r.start_unix_ms = 100;
  CallMediaRecord media;
  media.codec = "PCMA";
  media.srtp = true;
  media.inbound = {990, 10, 4.25, 3.87};
  media.outbound = MediaDirectionRecord{1000, 0, 1.5, 4.39};
  media.rtt_ms = 40.125;
  r.media = media;
  ASSERT_TRUE(this->calls_->write(r));
  CallRecord plain;
  plain.call_id = "m2";  // never answered: no media
  plain.start_unix_ms = 200;
  ASSERT_TRUE(this->calls_->write(plain));

  auto got = this->calls_->get("m1");
  ASSERT_TRUE(got && *got);
  ASSERT_TRUE((*got)->media);
  const CallMediaRecord& m = *(*got)->media;
  EXPECT_EQ(m.codec, "PCMA");
  EXPECT_TRUE(m.srtp);
  EXPECT_EQ(m.inbound.packets, 990);
  EXPECT_EQ(m.inbound.lost, 10);
  EXPECT_DOUBLE_EQ(m.inbound.jitter_ms, 4.25);
  EXPECT_DOUBLE_EQ(m.inbound.mos, 3.87);
  ASSERT_TRUE(m.outbound);
  EXPECT_EQ(m.outbound->packets, 1000);
  EXPECT_DOUBLE_EQ(m.outbound->mos, 4.39);
  ASSERT_TRUE(m.rtt_ms);
  EXPECT_DOUBLE_EQ(*m.rtt_ms, 40.125);
  EXPECT_FALSE((*this->calls_->get("m2"))->media);

  CallQuery q;
  q.with_details = true;
  auto listed = this->calls_->query(q);
  ASSERT_TRUE(listed);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_TRUE((*listed)[1].media) << "listing with details carries the media too";

  // The media row goes with its call when retention drops the call.
  ASSERT_TRUE(this->calls_->purge_calls_before(INT64_MAX));
  r.call_id = "m1";
  EXPECT_TRUE(this->calls_->write(r)) << "no call_media row was left behind to collide with";
}

TYPED_TEST(CallLogContract, WriteBatchWritesAllAndABadRecordFailsAlone) {
  this->add("taken", 500, "sip:100@h", "demo", "exit_module");
  std::vector<CallRecord> batch(3);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i].call_id = "batch" + std::to_string(i);
    batch[i].start_unix_ms = 1000 + static_cast<std::int64_t>(i);
    batch[i].visits = {{"main", "hello", "prompt", "next"}};
  }
  batch[1].call_id = "taken";  // a duplicate: this one must fail, the others must not
  batch[1].visits = {{"main", "x", "prompt", "next"},
                     {"main", "y", "prompt", "next"},
                     {"main", "z", "prompt", "next"}};
  auto results = this->calls_->write_batch(batch);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0]);
  EXPECT_FALSE(results[1]) << "the duplicate id fails";
  EXPECT_TRUE(results[2]);
  EXPECT_TRUE(*this->calls_->get("batch0"));
  EXPECT_TRUE(*this->calls_->get("batch2"));
  EXPECT_EQ((*this->calls_->get("batch2"))->visits.size(), 1u);
  EXPECT_EQ((*this->calls_->get("taken"))->visits.size(), 2u)
      << "the failed record's 3 visits were rolled back with it (the original keeps its 2)";
  EXPECT_EQ((*this->calls_->get("taken"))->start_unix_ms, 500);
}

TYPED_TEST(CallLogContract, FiltersAndPagesNewestFirst) {
  this->add("a", 1000, "sip:100@h", "demo", "exit_module");
  this->add("b", 2000, "sip:200@h", "demo", "remote_bye");
  this->add("c", 3000, "sip:100@h", "sales", "remote_bye:0");
  this->add("d", 3000, "sip:100@h", "demo", "exit_module");
  this->add("e", 9000, "sip:100@h", "demo", "exit_module");
  CallQuery q;
  q.from_unix_ms = 1000;
  q.to_unix_ms = 9000;
  auto all = this->calls_->query(q);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].call_id, "d");
  EXPECT_EQ((*all)[1].call_id, "c");
  EXPECT_TRUE((*all)[0].visits.empty()) << "details only when asked";
  q.number = "100";
  EXPECT_EQ(this->calls_->query(q)->size(), 3u);
  q.app = "sales";
  EXPECT_EQ(this->calls_->query(q)->size(), 1u);
  q = CallQuery{};
  q.disposition = "remote_bye";
  EXPECT_EQ(this->calls_->query(q)->size(), 2u);
  q.disposition = "remote";
  EXPECT_TRUE(this->calls_->query(q)->empty());
  q = CallQuery{};
  q.limit = 2;
  q.with_details = true;
  auto page1 = this->calls_->query(q);
  ASSERT_EQ(page1->size(), 2u);
  EXPECT_EQ((*page1)[1].visits.size(), 2u);
  q.after = std::make_pair((*page1)[1].start_unix_ms, (*page1)[1].call_id);
  auto page2 = this->calls_->query(q);
  ASSERT_EQ(page2->size(), 2u);
  EXPECT_EQ((*page2)[0].call_id, "c");
  EXPECT_EQ((*page2)[1].call_id, "b");
  EXPECT_EQ(this->calls_->list(10)->size(), 5u);
}

TYPED_TEST(CallLogContract, RetentionDropsDetailsThenWholeCalls) {
  constexpr std::int64_t kDay = 24LL * 3600 * 1000;
  const std::int64_t now = 100 * kDay;
  this->add("old", now - 40 * kDay, "sip:1@h", "demo", "exit_module");
  this->add("mid", now - 10 * kDay, "sip:1@h", "demo", "exit_module");
  this->add("new", now - 1000, "sip:1@h", "demo", "exit_module");
  auto out = apply_retention(*this->calls_, RetentionPolicy{5, 30}, now);
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->details_removed, 4);  // two visits each of "old" and "mid"
  EXPECT_EQ(out->calls_removed, 1);
  EXPECT_FALSE(this->calls_->get("old")->has_value());
  EXPECT_TRUE((*this->calls_->get("mid"))->visits.empty());
  EXPECT_EQ((*this->calls_->get("new"))->visits.size(), 2u);
}

}  // namespace
}  // namespace keyline::store
