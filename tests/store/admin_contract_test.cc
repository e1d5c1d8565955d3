// Trunks, deployments naming a trunk, and the report queries: the same cases on SQLite and on
// PostgreSQL (typed tests; tests/integration/pg_store_test.sh runs the PostgreSQL half).
#include <gtest/gtest.h>

#include "backend_makers.h"
#include "store/reports.h"

namespace keyline::store {
namespace {

template <class Maker>
class AdminContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
  }
  void TearDown() override {
    backend_.reset();
    maker_.close();
  }

  static TrunkRecord trunk(const std::string& name) {
    TrunkRecord t;
    t.name = name;
    t.allow = {"192.0.2.0/24", "sip.example.net"};
    t.transport = "tls";
    t.digest_username = "keyline";
    t.digest_password_ref = "env:TRUNK_PASSWORD";
    t.max_calls = 30;
    t.srtp = "mandatory";
    t.dtmf = "rfc4733";
    t.created_unix_ms = 10;
    t.updated_unix_ms = 11;
    t.registration = {"sip:reg.example.net:5070",
                      "sip:4420@example.net",
                      "line-1",
                      "4420",
                      "env:REG_PASSWORD",
                      600};
    return t;
  }

  // A call of `app` under `deployment`, `seconds` long once answered (0: never answered).
  CallRecord call(const std::string& id, std::int64_t start, int seconds, std::string app,
                  std::string deployment, std::string exit_reason,
                  std::vector<ModuleVisitRecord> visits = {}) {
    CallRecord r;
    r.call_id = id;
    r.sip_call_id = id + "@test";
    r.from = "sip:alice@example.com";
    r.to = "sip:100@example.com";
    r.app = std::move(app);
    r.deployment = std::move(deployment);
    r.start_unix_ms = start;
    r.answer_unix_ms = seconds ? start + 1000 : 0;
    r.end_unix_ms = start + 1000 + seconds * 1000;
    r.exit_reason = std::move(exit_reason);
    r.visits = std::move(visits);
    return r;
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(AdminContract, Makers, MakerName);

TYPED_TEST(AdminContract, TrunksRoundTripUpdateAndRefuseDuplicates) {
  auto trunks = this->backend_->trunks();
  auto t = this->trunk("carrier");
  ASSERT_TRUE(trunks->create(t));
  EXPECT_FALSE(trunks->create(t)) << "duplicate name must fail";
  ASSERT_TRUE(trunks->create(this->trunk("Backup")));
  auto got = trunks->get("carrier");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->allow, (std::vector<std::string>{"192.0.2.0/24", "sip.example.net"}));
  EXPECT_EQ((*got)->transport, "tls");
  EXPECT_EQ((*got)->digest_username, "keyline");
  EXPECT_EQ((*got)->digest_password_ref, "env:TRUNK_PASSWORD");
  EXPECT_EQ((*got)->max_calls, 30);
  EXPECT_EQ((*got)->srtp, "mandatory");
  EXPECT_EQ((*got)->dtmf, "rfc4733");
  EXPECT_EQ((*got)->created_unix_ms, 10);
  EXPECT_EQ((*got)->registration, t.registration);
  t.allow = {"198.51.100.7"};
  t.max_calls = 0;
  t.registration.expires_s = 120;
  t.registration.password_ref = "file:/etc/keyline/reg";
  t.created_unix_ms = 999;  // ignored: a row keeps its creation time
  t.updated_unix_ms = 20;
  ASSERT_TRUE(*trunks->update(t));
  got = trunks->get("carrier");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ((*got)->allow, std::vector<std::string>{"198.51.100.7"});
  EXPECT_EQ((*got)->max_calls, 0);
  EXPECT_EQ((*got)->created_unix_ms, 10);
  EXPECT_EQ((*got)->updated_unix_ms, 20);
  EXPECT_EQ((*got)->registration, t.registration);
  t.registration = {};  // no registration: stored as empty
  ASSERT_TRUE(*trunks->update(t));
  EXPECT_TRUE((*trunks->get("carrier"))->registration.registrar.empty());
  auto list = trunks->list();
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "Backup") << "byte order, whatever the locale";
  t.name = "absent";
  EXPECT_FALSE(*trunks->update(t));
  EXPECT_FALSE(trunks->get("absent")->has_value());
}

TYPED_TEST(AdminContract, ADeploymentNamesATrunkThatCannotBeDeletedUnderIt) {
  auto trunks = this->backend_->trunks();
  auto deployments = this->backend_->deployments();
  ASSERT_TRUE(this->backend_->apps()->save_revision("ivr", "{}", "a", 1));
  ASSERT_TRUE(trunks->create(this->trunk("carrier")));
  DeploymentRecord d;
  d.label = "main";
  d.app = "ivr";
  d.numbers = {"100"};
  d.trunk = "carrier";
  ASSERT_TRUE(deployments->create(d));
  EXPECT_EQ((*deployments->get("main"))->trunk, "carrier");
  auto blocked = trunks->remove("carrier");
  ASSERT_FALSE(blocked);
  EXPECT_EQ(blocked.error().kind, "conflict");
  d.label = "bad";
  d.trunk = "no-such-trunk";
  EXPECT_FALSE(deployments->create(d)) << "a deployment must name an existing trunk";
  d.label = "main";
  d.trunk.clear();
  ASSERT_TRUE(*deployments->update(d));
  EXPECT_EQ((*deployments->get("main"))->trunk, "");
  auto removed = trunks->remove("carrier");
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(*trunks->remove("carrier"));
}

TYPED_TEST(AdminContract, CallSamplesFilterByRangeAppAndDeploymentAndSeeTransfers) {
  auto logs = this->backend_->call_logs({});
  const std::int64_t t0 = 1'700'000'000'000;
  ASSERT_TRUE(logs->write(
      this->call("a", t0, 10, "ivr", "main", "bye:200", {{"p", "xfer", "transfer", "done:202"}})));
  ASSERT_TRUE(logs->write(this->call("b", t0 + 1000, 20, "ivr", "main", "bye:200",
                                     {{"p", "xfer", "transfer", "busy"}})));
  ASSERT_TRUE(logs->write(this->call("c", t0 + 2000, 0, "ivr", "other", "cancel")));
  ASSERT_TRUE(logs->write(this->call("d", t0 + 3000, 5, "sales", "", "error:x")));
  ASSERT_TRUE(logs->write(this->call("e", t0 + 99'000, 5, "ivr", "main", "bye")));
  auto reports = this->backend_->reports();
  ReportFilter f{t0, t0 + 10'000, "", ""};
  auto all = reports->call_samples(f, 100);
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].start_unix_ms, t0) << "oldest first";
  EXPECT_TRUE((*all)[0].transferred);
  EXPECT_FALSE((*all)[1].transferred) << "a busy target is no transfer";
  EXPECT_EQ((*all)[2].answer_unix_ms, 0);
  EXPECT_EQ((*all)[3].exit_reason, "error:x");
  f.app = "ivr";
  EXPECT_EQ(reports->call_samples(f, 100)->size(), 3u);
  f.deployment = "main";
  EXPECT_EQ(reports->call_samples(f, 100)->size(), 2u);
  f = ReportFilter{t0, t0 + 100'000, "", ""};
  auto limited = reports->call_samples(f, 4);
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().kind, "too-large");
  EXPECT_TRUE(reports->call_samples(f, 5));
}

TYPED_TEST(AdminContract, ModuleCountsCountVisitsNoInputAndNoMatchButNoResults) {
  auto logs = this->backend_->call_logs({});
  const std::int64_t t0 = 1'700'000'000'000;
  ASSERT_TRUE(logs->write(this->call("a", t0, 10, "ivr", "main", "max_retries",
                                     {{"main", "menu", "menu", "1"},
                                      {"pay", "card", "digits", "nomatch"},
                                      {"pay", "card", "errors", "nomatch hangup"},
                                      {"pay", "card", "recording", "paused"}})));
  ASSERT_TRUE(logs->write(this->call("b", t0 + 1, 10, "ivr", "main", "bye",
                                     {{"main", "menu", "menu", "noinput"},
                                      {"main", "menu", "menu", "2"},
                                      {"pay", "card", "digits", "success:[private]"}})));
  ASSERT_TRUE(logs->write(
      this->call("c", t0 + 2, 10, "sales", "s", "bye", {{"main", "menu", "menu", "nomatch"}})));
  auto reports = this->backend_->reports();
  auto counts = reports->module_counts(ReportFilter{t0, t0 + 100, "ivr", ""});
  ASSERT_TRUE(counts) << counts.error().message;
  ASSERT_EQ(counts->size(), 2u);
  EXPECT_EQ((*counts)[0].page, "main");
  EXPECT_EQ((*counts)[0].module, "menu");
  EXPECT_EQ((*counts)[0].visits, 3);
  EXPECT_EQ((*counts)[0].noinput, 1);
  EXPECT_EQ((*counts)[0].nomatch, 0);
  EXPECT_EQ((*counts)[1].module, "card");
  EXPECT_EQ((*counts)[1].type, "digits");
  EXPECT_EQ((*counts)[1].visits, 2) << "error-policy and recording rows are not visits";
  EXPECT_EQ((*counts)[1].nomatch, 1);
  auto everything = reports->module_counts(ReportFilter{t0, t0 + 100, "", ""});
  ASSERT_TRUE(everything);
  EXPECT_EQ((*everything)[0].visits, 4);
  EXPECT_EQ((*everything)[0].nomatch, 1);
  EXPECT_TRUE(reports->module_counts(ReportFilter{t0 + 50, t0 + 100, "", ""})->empty());
}

}  // namespace
}  // namespace keyline::store
