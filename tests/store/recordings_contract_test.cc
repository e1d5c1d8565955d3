// The recordings metadata on both backends (backend_makers.h): rows with every field survive a
// reopen, the uploader's outcome lands on the newest row for a path, filters and keyset pages,
// deletion marks, and retention (with a chosen "now") removing old rows and their files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "backend_makers.h"
#include "store/call_log_store.h"
#include "store/retention.h"

namespace keyline::store {
namespace {

constexpr std::int64_t kDay = 24LL * 3600 * 1000;

template <class Maker>
class RecordingsContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
    repo_ = backend_->recordings();
    char tmpl[] = "/tmp/keyline-recfiles-XXXXXX";
    files_ = mkdtemp(tmpl);
  }
  void TearDown() override {
    repo_.reset();
    backend_.reset();
    maker_.close();
    if (!files_.empty()) std::filesystem::remove_all(files_);
  }

  RecordingRecord row(const std::string& session, const std::string& app, std::int64_t created) {
    RecordingRecord r;
    r.session_id = session;
    r.deployment = "dep-" + app;
    r.app = app;
    r.path = files_ + "/" + session + "-call.wav";
    r.channels = "stereo";
    r.duration_s = 12.34;
    r.bytes = 394924;
    r.created_unix_ms = created;
    r.upload_state = UploadState::kKept;
    return r;
  }
  std::int64_t add(const RecordingRecord& r) {
    auto id = repo_->add(r);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : 0;
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
  std::unique_ptr<RecordingRepository> repo_;
  std::string files_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(RecordingsContract, Makers, MakerName);

TYPED_TEST(RecordingsContract, RowsSurviveAReopenWithEveryField) {
  const std::int64_t id = this->add(this->row("s1", "billing", 5 * kDay));
  ASSERT_GT(id, 0);
  this->repo_.reset();
  this->backend_.reset();
  auto reopened = this->maker_.reopen();
  ASSERT_TRUE(reopened) << reopened.error().message;
  this->backend_ = *reopened;
  this->repo_ = this->backend_->recordings();
  auto got = this->repo_->get(id);
  ASSERT_TRUE(got && got->has_value());
  const RecordingRecord& r = **got;
  EXPECT_EQ(r.session_id, "s1");
  EXPECT_EQ(r.deployment, "dep-billing");
  EXPECT_EQ(r.app, "billing");
  EXPECT_EQ(r.path, this->files_ + "/s1-call.wav");
  EXPECT_EQ(r.channels, "stereo");
  EXPECT_DOUBLE_EQ(r.duration_s, 12.34);
  EXPECT_EQ(r.bytes, 394924);
  EXPECT_EQ(r.created_unix_ms, 5 * kDay);
  EXPECT_EQ(r.upload_state, UploadState::kKept);
  EXPECT_EQ(r.uploaded_url, "");
  EXPECT_FALSE(r.deleted);
  EXPECT_FALSE(this->repo_->get(id + 1000)->has_value());
}

TYPED_TEST(RecordingsContract, UploadOutcomeLandsOnTheNewestRowForThePath) {
  auto first = this->row("s1", "a", 1000);
  const std::int64_t older = this->add(first);
  const std::int64_t newer = this->add(first);  // the same path again (a re-used id)
  auto pending = this->repo_->set_upload(first.path, UploadState::kPending, "", false);
  ASSERT_TRUE(pending && *pending);
  EXPECT_EQ((*this->repo_->get(newer))->upload_state, UploadState::kPending);
  EXPECT_EQ((*this->repo_->get(older))->upload_state, UploadState::kKept);
  // The stored URL loses its query string and user info (a signature, a password).
  auto done = this->repo_->set_upload(
      first.path, UploadState::kUploaded,
      "https://user:pw@bucket.example.com/calls/s1.wav?X-Amz-Signature=abc#frag", true);
  ASSERT_TRUE(done && *done);
  auto r = *this->repo_->get(newer);
  EXPECT_EQ(r->upload_state, UploadState::kUploaded);
  EXPECT_EQ(r->uploaded_url, "https://bucket.example.com/calls/s1.wav");
  EXPECT_TRUE(r->deleted);
  // A later state without a URL keeps the URL; deleted never goes back to false.
  ASSERT_TRUE(this->repo_->set_upload(first.path, UploadState::kFailed, "", false));
  r = *this->repo_->get(newer);
  EXPECT_EQ(r->uploaded_url, "https://bucket.example.com/calls/s1.wav");
  EXPECT_TRUE(r->deleted);
  auto none = this->repo_->set_upload("/nowhere.wav", UploadState::kFailed, "", false);
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
}

TYPED_TEST(RecordingsContract, FiltersAndKeysetPages) {
  for (int i = 0; i < 5; ++i) this->add(this->row("s" + std::to_string(i), "a", (i + 1) * kDay));
  this->add(this->row("x", "b", 3 * kDay));
  RecordingFilter all;
  auto rows = this->repo_->list(all);
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 6u);
  EXPECT_EQ(rows->front().session_id, "x");  // newest first (by id)
  RecordingFilter by_app;
  by_app.app = "a";
  EXPECT_EQ(this->repo_->list(by_app)->size(), 5u);
  RecordingFilter by_session;
  by_session.session_id = "s2";
  ASSERT_EQ(this->repo_->list(by_session)->size(), 1u);
  RecordingFilter range;  // [2 days, 4 days): s1, s2 and x
  range.from_unix_ms = 2 * kDay;
  range.to_unix_ms = 4 * kDay;
  EXPECT_EQ(this->repo_->list(range)->size(), 3u);
  // Pages of two, each after the last id of the one before: every row once.
  RecordingFilter page;
  page.limit = 2;
  std::vector<std::string> seen;
  for (int n = 0; n < 10; ++n) {
    auto got = this->repo_->list(page);
    ASSERT_TRUE(got);
    for (const auto& r : *got) seen.push_back(r.session_id);
    if (got->size() < 2) break;
    page.before_id = got->back().id;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"x", "s4", "s3", "s2", "s1", "s0"}));
}

// Sharing (api/call_access.h): only the recordings of the deployments a caller may read.
TYPED_TEST(RecordingsContract, FiltersByASetOfDeployments) {
  auto in = [this](const std::string& session, const std::string& deployment) {
    auto r = this->row(session, "a", kDay);
    r.deployment = deployment;
    this->add(r);
  };
  in("m1", "main");
  in("s1", "sales");
  in("m2", "main");
  in("n1", "");  // a config deployment without a label
  auto sessions = [this](std::optional<std::vector<std::string>> deployments, int limit = 50) {
    RecordingFilter f;
    f.deployments = std::move(deployments);
    f.limit = limit;
    std::vector<std::string> out;
    auto rows = this->repo_->list(f);
    EXPECT_TRUE(rows);
    if (rows)
      for (const auto& r : *rows) out.push_back(r.session_id);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(sessions(std::nullopt), (V{"n1", "m2", "s1", "m1"}));
  EXPECT_EQ(sessions(V{"main"}), (V{"m2", "m1"}));
  EXPECT_EQ(sessions(V{"main", "sales"}), (V{"m2", "s1", "m1"}));
  EXPECT_EQ(sessions(V{}), V{});
  EXPECT_EQ(sessions(V{"mai"}), V{}) << "whole labels only";
  EXPECT_EQ(sessions(V{"main"}, 1), V{"m2"}) << "the filter is applied before the limit";
}

TYPED_TEST(RecordingsContract, RetentionRemovesOldRowsAndTheirFiles) {
  auto old_row = this->row("old", "a", 10 * kDay);
  auto gone_row = this->row("gone", "a", 11 * kDay);  // its file was uploaded and deleted
  gone_row.deleted = true;
  auto new_row = this->row("new", "a", 39 * kDay);
  for (const auto* r : {&old_row, &new_row}) std::ofstream(r->path) << "RIFF";
  this->add(old_row);
  this->add(gone_row);
  const std::int64_t kept = this->add(new_row);
  auto calls = this->backend_->call_logs(privacy::RedactionPolicy{});
  RetentionPolicy policy;
  policy.detail_days = 0;
  policy.recordings_days = 7;
  // "Now" is day 40: rows created before day 33 go.
  auto out = apply_retention(*calls, policy, 40 * kDay, nullptr, this->repo_.get());
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(out->recordings_removed, 2);
  EXPECT_FALSE(std::filesystem::exists(old_row.path));
  EXPECT_TRUE(std::filesystem::exists(new_row.path));
  auto left = this->repo_->list(RecordingFilter{});
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ(left->front().id, kept);
  // recordings_days 0 keeps everything; so does a job without a recordings repository.
  policy.recordings_days = 0;
  EXPECT_EQ(
      apply_retention(*calls, policy, 400 * kDay, nullptr, this->repo_.get())->recordings_removed,
      0);
  policy.recordings_days = 1;
  EXPECT_EQ(apply_retention(*calls, policy, 400 * kDay)->recordings_removed, 0);
  EXPECT_EQ(this->repo_->list(RecordingFilter{})->size(), 1u);
}

TYPED_TEST(RecordingsContract, MarkDeleted) {
  const std::int64_t id = this->add(this->row("s1", "a", 1000));
  auto marked = this->repo_->mark_deleted(id);
  ASSERT_TRUE(marked && *marked);
  EXPECT_TRUE((*this->repo_->get(id))->deleted);
  EXPECT_FALSE(*this->repo_->mark_deleted(id + 1000));
}

TEST(RecordingUrl, LosesQueryFragmentAndUserInfo) {
  EXPECT_EQ(url_without_secrets("https://a:b@h.example:9000/p/q.wav?sig=1#x"),
            "https://h.example:9000/p/q.wav");
  EXPECT_EQ(url_without_secrets("https://h/p@q.wav"), "https://h/p@q.wav");  // '@' in the path
  EXPECT_EQ(url_without_secrets("https://h"), "https://h");
  EXPECT_EQ(url_without_secrets(""), "");
}

}  // namespace
}  // namespace keyline::store
