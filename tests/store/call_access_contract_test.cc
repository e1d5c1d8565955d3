// The access filter of call-log queries and reports (CallQuery / ReportFilter `deployments`,
// label_set.h) on both backends: only the named deployments' calls, none for an empty set,
// every call when unset; a label that is a prefix or a part of another never matches it.
#include <gtest/gtest.h>

#include <set>

#include "backend_makers.h"

namespace keyline::store {
namespace {

template <class Maker>
class CallAccessContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
    calls_ = backend_->call_logs(privacy::RedactionPolicy{});
    int n = 0;
    for (const char* d : {"sales", "sales-uk", "uk", ""}) add(std::string("c-") + d, d, ++n);
  }
  void TearDown() override {
    calls_.reset();
    backend_.reset();
    maker_.close();
  }

  void add(const std::string& id, const std::string& deployment, int n) {
    CallRecord r;
    r.call_id = id;
    r.from = "sip:alice@example.com";
    r.to = "sip:100@example.com";
    r.app = "demo";
    r.deployment = deployment;
    r.start_unix_ms = 1000 * n;
    r.answer_unix_ms = r.start_unix_ms + 10;
    r.end_unix_ms = r.start_unix_ms + 500;
    r.exit_reason = "bye";
    r.visits = {{"main", "greeting", "prompt", "next"}};
    ASSERT_TRUE(calls_->write(r));
  }

  std::set<std::string> listed(std::optional<std::vector<std::string>> deployments) {
    CallQuery q;
    q.deployments = std::move(deployments);
    auto rows = calls_->query(q);
    EXPECT_TRUE(rows) << rows.error().message;
    std::set<std::string> out;
    if (rows)
      for (const auto& r : *rows) out.insert(r.call_id);
    return out;
  }

  std::pair<std::size_t, std::int64_t> reported(std::optional<std::vector<std::string>> d) {
    ReportFilter f;
    f.deployments = std::move(d);
    auto reports = backend_->reports();
    auto samples = reports->call_samples(f, 100);
    EXPECT_TRUE(samples) << samples.error().message;
    auto modules = reports->module_counts(f);
    EXPECT_TRUE(modules) << modules.error().message;
    std::int64_t visits = 0;
    if (modules)
      for (const auto& m : *modules) visits += m.visits;
    return {samples ? samples->size() : 0, visits};
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
TYPED_TEST_SUITE(CallAccessContract, Makers, MakerName);

TYPED_TEST(CallAccessContract, CallListsKeepOnlyTheNamedDeployments) {
  EXPECT_EQ(this->listed(std::nullopt).size(), 4u);
  EXPECT_EQ(this->listed(std::vector<std::string>{"sales"}), (std::set<std::string>{"c-sales"}));
  EXPECT_EQ(this->listed(std::vector<std::string>{"uk", "sales-uk"}),
            (std::set<std::string>{"c-uk", "c-sales-uk"}));
  EXPECT_TRUE(this->listed(std::vector<std::string>{}).empty());
  // Labels with a ',' cannot be told apart in the set: they are left out, never half-matched.
  EXPECT_TRUE(this->listed(std::vector<std::string>{"sales,uk"}).empty());
  auto one = this->calls_->get("c-sales-uk");
  ASSERT_TRUE(one && one->has_value());
  EXPECT_EQ((**one).deployment, "sales-uk");  // read back for the per-call check
}

TYPED_TEST(CallAccessContract, ReportsCountOnlyTheNamedDeployments) {
  EXPECT_EQ(this->reported(std::nullopt), (std::pair<std::size_t, std::int64_t>{4, 4}));
  EXPECT_EQ(this->reported(std::vector<std::string>{"sales-uk"}),
            (std::pair<std::size_t, std::int64_t>{1, 1}));
  EXPECT_EQ(this->reported(std::vector<std::string>{}),
            (std::pair<std::size_t, std::int64_t>{0, 0}));
}

}  // namespace
}  // namespace keyline::store
