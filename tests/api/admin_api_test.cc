// Trunks, deployments naming a trunk, the app tools (validate, audit, graph) and the reports,
// driven through ApiService without a socket (tests/integration/api_admin_test.sh drives the same
// routes over real HTTPS).
#include <set>

#include "api_fixture.h"

namespace keyline::api {
namespace {

using AdminApiTest = ApiFixture;

std::set<std::string> error_places(const Response& r) {
  std::set<std::string> out;
  auto doc = parse_json(r.body);
  if (!doc || !doc->find("errors")) return out;
  for (const auto& e : doc->find("errors")->as_array()) out.insert(e.find("where")->as_string());
  return out;
}

constexpr const char* kTrunk =
    R"({"name":"carrier","allow":["192.0.2.0/24","2001:db8::1","sip.example.net"],
        "transport":"tls","digest":{"username":"kl","password_ref":"env:CARRIER_PASSWORD"},
        "max_calls":20,"srtp":"mandatory","dtmf":"rfc4733"})";

TEST_F(AdminApiTest, TrunkCrudNeverReturnsTheCredentialReference) {
  EXPECT_EQ(call("POST", "/v1/trunks", developer_, kTrunk).status, 403) << "operators only";
  auto created = call("POST", "/v1/trunks", admin_, kTrunk);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(call("POST", "/v1/trunks", admin_, kTrunk).status, 409);
  auto got = call("GET", "/v1/trunks/carrier", viewer_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body.find("CARRIER_PASSWORD"), std::string::npos);
  EXPECT_EQ(created.body.find("CARRIER_PASSWORD"), std::string::npos);
  auto doc = parse_json(got.body);
  ASSERT_TRUE(doc);
  EXPECT_TRUE(doc->find("digest")->find("password_set")->as_bool());
  EXPECT_EQ(doc->find("max_calls")->as_integer(), 20);
  EXPECT_EQ(doc->find("allow")->as_array().size(), 3u);
  // What GET returned can be sent back: the stored reference is kept.
  auto put = call("PUT", "/v1/trunks/carrier", admin_, got.body);
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ((*trunks_->get("carrier"))->digest_password_ref, "env:CARRIER_PASSWORD");
  ASSERT_EQ(call("PUT", "/v1/trunks/carrier", admin_,
                 R"({"allow":["198.51.100.1"],"digest":null,"dtmf":"info"})")
                .status,
            200);
  auto changed = *trunks_->get("carrier");
  EXPECT_EQ(changed->digest_username, "");
  EXPECT_EQ(changed->digest_password_ref, "");
  EXPECT_EQ(changed->transport, "udp") << "PUT replaces the trunk";
  EXPECT_EQ(changed->dtmf, "info");
  auto list = parse_json(call("GET", "/v1/trunks", viewer_).body);
  EXPECT_EQ(list->find("trunks")->as_array().size(), 1u);
  EXPECT_EQ(call("PUT", "/v1/trunks/nope", admin_, R"({"allow":["192.0.2.1"]})").status, 404);
  EXPECT_EQ(call("DELETE", "/v1/trunks/carrier", admin_).status, 204);
  EXPECT_EQ(call("DELETE", "/v1/trunks/carrier", admin_).status, 404);
  std::set<std::string> actions;
  auto recent = audit_->recent(100);
  ASSERT_TRUE(recent);
  for (const auto& e : *recent) actions.insert(e.action);
  EXPECT_TRUE(actions.count("trunk.create") && actions.count("trunk.update") &&
              actions.count("trunk.delete"));
}

TEST_F(AdminApiTest, BadTrunkFieldsAreAllReportedAndALiteralPasswordIsRefused) {
  auto r = call("POST", "/v1/trunks", admin_,
                R"({"name":"c","allow":["10.0.0.0/33","ok.example",""],"transport":"sctp",
                    "digest":{"username":"u","password":"hunter2"},"max_calls":-1,
                    "srtp":"maybe","dtmf":"pulse","extra":1})");
  ASSERT_EQ(r.status, 422);
  EXPECT_EQ(error_places(r), (std::set<std::string>{"/allow/0", "/allow/2", "/transport",
                                                    "/digest/password", "/digest/password_ref",
                                                    "/max_calls", "/srtp", "/dtmf", "/extra"}));
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos) << "the refused password is not echoed";
  auto ref = call(
      "POST", "/v1/trunks", admin_,
      R"({"name":"c","allow":["10.0.0.1"],"digest":{"username":"u","password_ref":"hunter2"}})");
  EXPECT_EQ(error_places(ref), std::set<std::string>{"/digest/password_ref"});
  EXPECT_TRUE(trunks_->list()->empty());
}

TEST_F(AdminApiTest, ADeploymentMayNameOnlyAnExistingTrunk) {
  ASSERT_EQ(call("PUT", "/v1/apps/demo", developer_, demo_app("demo")).status, 201);
  auto unknown = call("POST", "/v1/deployments", developer_,
                      R"({"label":"main","app":"demo","numbers":["100"],"trunk":"carrier"})");
  EXPECT_EQ(unknown.status, 422);
  EXPECT_EQ(error_places(unknown), std::set<std::string>{"/trunk"});
  ASSERT_EQ(call("POST", "/v1/trunks", admin_, kTrunk).status, 201);
  auto ok = call("POST", "/v1/deployments", developer_,
                 R"({"label":"main","app":"demo","numbers":["100"],"trunk":"carrier"})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  share_with_viewer("deployment", "main");
  EXPECT_EQ(parse_json(ok.body)->find("trunk")->as_string(), "carrier");
  EXPECT_EQ(call("DELETE", "/v1/trunks/carrier", admin_).status, 409) << "in use";
  ASSERT_EQ(call("PUT", "/v1/deployments/main", developer_,
                 R"({"app":"demo","numbers":["100"],"trunk":null})")
                .status,
            200);
  EXPECT_TRUE(
      parse_json(call("GET", "/v1/deployments/main", viewer_).body)->find("trunk")->is_null());
  EXPECT_EQ(call("DELETE", "/v1/trunks/carrier", admin_).status, 204);
}

TEST_F(AdminApiTest, ValidateChecksABodyWithoutStoringIt) {
  auto good = call("POST", "/v1/apps/demo/validate", viewer_, demo_app("demo"));
  ASSERT_EQ(good.status, 200) << good.body;
  EXPECT_TRUE(parse_json(good.body)->find("valid")->as_bool());
  EXPECT_FALSE(apps_->get("demo")->has_value()) << "validate never stores";
  std::string broken = demo_app("demo");
  broken.replace(broken.find("\"page\": \"balance\""), 17, "\"page\": \"nowhere\"");
  auto bad = call("POST", "/v1/apps/demo/validate", viewer_, broken);
  ASSERT_EQ(bad.status, 200);
  auto doc = parse_json(bad.body);
  EXPECT_FALSE(doc->find("valid")->as_bool());
  ASSERT_FALSE(doc->find("errors")->as_array().empty());
  EXPECT_EQ(doc->find("errors")->as_array()[0].find("where")->as_string().rfind("demo.json:", 0),
            0u);
  // No body: the stored latest revision is checked.
  EXPECT_EQ(call("POST", "/v1/apps/demo/validate", viewer_).status, 404);
  ASSERT_EQ(call("PUT", "/v1/apps/demo", developer_, demo_app("demo")).status, 201);
  share_with_viewer("app", "demo");
  auto stored = call("POST", "/v1/apps/demo/validate", viewer_);
  ASSERT_EQ(stored.status, 200);
  EXPECT_TRUE(parse_json(stored.body)->find("valid")->as_bool());
  EXPECT_EQ(call("POST", "/v1/apps/demo/validate", "").status, 401);
}

TEST_F(AdminApiTest, AuditAndGraphOfAStoredRevision) {
  EXPECT_EQ(call("GET", "/v1/apps/demo/audit", viewer_).status, 404);
  ASSERT_EQ(call("PUT", "/v1/apps/demo", developer_, demo_app("demo")).status, 201);
  share_with_viewer("app", "demo");
  auto audit = call("GET", "/v1/apps/demo/audit", viewer_);
  ASSERT_EQ(audit.status, 200) << audit.body;
  auto doc = parse_json(audit.body);
  EXPECT_EQ(doc->find("revision")->as_integer(), 1);
  EXPECT_FALSE(doc->find("blocks")->as_bool());
  // The demo reads its private account number back: one finding naming the module, no value.
  bool spoken = false;
  for (const auto& f : doc->find("findings")->as_array())
    spoken = spoken || (f.find("kind")->as_string() == "spoken" &&
                        f.find("variable")->as_string().find("account") != std::string::npos);
  EXPECT_TRUE(spoken) << audit.body;
  auto svg = call("GET", "/v1/apps/demo/graph", viewer_);
  ASSERT_EQ(svg.status, 200) << svg.body;
  EXPECT_EQ(svg.content_type, "image/svg+xml");
  EXPECT_NE(svg.body.find("<svg"), std::string::npos);
  EXPECT_NE(svg.body.find("class=\"cluster\""), std::string::npos);
  EXPECT_EQ(svg.body.find("Please enter your account number"), std::string::npos);
  auto dot = call("GET", "/v1/apps/demo/graph", viewer_, "", {{"format", "dot"}});
  ASSERT_EQ(dot.status, 200);
  EXPECT_EQ(dot.body.rfind("digraph \"demo\"", 0), 0u);
  EXPECT_EQ(call("GET", "/v1/apps/demo/graph", viewer_, "", {{"format", "png"}}).status, 400);
  EXPECT_EQ(call("GET", "/v1/apps/demo/graph", viewer_, "", {{"revision", "2"}}).status, 404);
  EXPECT_EQ(call("GET", "/v1/apps/demo/audit", viewer_, "", {{"revision", "x"}}).status, 400);
}

class ReportsApiTest : public ApiFixture {
 protected:
  void write_call(const std::string& id, std::int64_t start, int seconds, const std::string& app,
                  const std::string& deployment, const std::string& reason,
                  std::vector<store::ModuleVisitRecord> visits) {
    store::CallRecord r;
    r.call_id = id;
    r.from = "sip:alice@example.com";
    r.to = "sip:100@example.com";
    r.app = app;
    r.deployment = deployment;
    r.start_unix_ms = start;
    r.answer_unix_ms = start + 500;
    r.end_unix_ms = start + 500 + seconds * 1000;
    r.exit_reason = reason;
    r.visits = std::move(visits);
    ASSERT_TRUE(calls_->write(r));
  }
};

TEST_F(ReportsApiTest, CallsPerHourWithPercentilesDispositionsAndTransferRate) {
  const std::int64_t day = 1'700'006'400'000;  // 2023-11-15T00:00:00Z
  for (int i = 0; i < 10; ++i)
    write_call("h0-" + std::to_string(i), day + i * 1000, i + 1, "demo", "main",
               i < 8 ? "bye:200" : "max_retries",
               {{"main", "xfer", "transfer", i < 3 ? "done" : "noanswer"}});
  write_call("h5", day + 5 * 3'600'000 + 7, 42, "demo", "other", "bye", {});
  write_call("elsewhere", day + 3 * 86'400'000, 1, "demo", "main", "bye", {});
  auto r =
      call("GET", "/v1/reports/calls", admin_, "",
           {{"from", "2023-11-15T00:00:00Z"}, {"to", "2023-11-16T00:00:00Z"}, {"bucket", "hour"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto doc = parse_json(r.body);
  const auto& buckets = doc->find("buckets")->as_array();
  ASSERT_EQ(buckets.size(), 2u);
  EXPECT_EQ(buckets[0].find("start")->as_string(), "2023-11-15T00:00:00.000Z");
  EXPECT_EQ(buckets[0].find("calls")->as_integer(), 10);
  EXPECT_EQ(buckets[0].find("transferred")->as_integer(), 3);
  EXPECT_DOUBLE_EQ(buckets[0].find("transfer_rate")->as_number(), 0.3);
  EXPECT_EQ(buckets[0].find("duration_ms")->find("p50")->as_integer(), 5000);
  EXPECT_EQ(buckets[0].find("duration_ms")->find("p90")->as_integer(), 9000);
  EXPECT_EQ(buckets[0].find("duration_ms")->find("p99")->as_integer(), 10000);
  EXPECT_EQ(buckets[0].find("dispositions")->find("bye")->as_integer(), 8);
  EXPECT_EQ(buckets[0].find("dispositions")->find("max_retries")->as_integer(), 2);
  EXPECT_EQ(buckets[1].find("start")->as_string(), "2023-11-15T05:00:00.000Z");
  EXPECT_EQ(doc->find("total")->find("calls")->as_integer(), 11);
  auto by_deployment = parse_json(call("GET", "/v1/reports/calls", admin_, "",
                                       {{"from", "2023-11-15T00:00:00Z"},
                                        {"to", "2023-11-16T00:00:00Z"},
                                        {"deployment", "other"}})
                                      .body);
  EXPECT_EQ(by_deployment->find("bucket")->as_string(), "day");
  EXPECT_EQ(by_deployment->find("total")->find("calls")->as_integer(), 1);
  EXPECT_EQ(by_deployment->find("buckets")->as_array().size(), 1u);
  EXPECT_EQ(call("GET", "/v1/reports/calls", admin_, "", {{"bucket", "week"}}).status, 400);
  EXPECT_EQ(call("GET", "/v1/reports/calls", admin_, "", {{"from", "yesterday"}}).status, 400);
  EXPECT_EQ(call("GET", "/v1/reports/calls", admin_, "",
                 {{"from", "2023-11-16T00:00:00Z"}, {"to", "2023-11-15T00:00:00Z"}})
                .status,
            400);
  EXPECT_EQ(call("GET", "/v1/reports/calls", admin_, "", {{"color", "red"}}).status, 400);
  EXPECT_EQ(call("GET", "/v1/reports/calls", "").status, 401);
}

TEST_F(ReportsApiTest, ModulesReportCountsButNeverShowsWhatCallersEntered) {
  const std::int64_t t = 1'700'006'400'000;
  write_call("a", t, 5, "pay", "main", "bye",
             {{"main", "card", "digits", "success:4111111111111111"},
              {"main", "pin", "digits", "nomatch"}});
  write_call(
      "b", t + 1, 5, "pay", "main", "bye",
      {{"main", "card", "digits", "noinput"}, {"main", "pin", "digits", "success:[private]"}});
  auto r = call("GET", "/v1/reports/modules", admin_, "",
                {{"from", std::to_string(t)}, {"to", std::to_string(t + 1000)}, {"app", "pay"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.find("4111"), std::string::npos);
  EXPECT_EQ(r.body.find("success"), std::string::npos);
  auto modules = parse_json(r.body)->find("modules")->as_array();
  ASSERT_EQ(modules.size(), 2u);
  EXPECT_EQ(modules[0].find("module")->as_string(), "card");
  EXPECT_EQ(modules[0].find("visits")->as_integer(), 2);
  EXPECT_EQ(modules[0].find("noinput")->as_integer(), 1);
  EXPECT_EQ(modules[1].find("nomatch")->as_integer(), 1);
  auto other = parse_json(
      call("GET", "/v1/reports/modules", admin_, "",
           {{"from", std::to_string(t)}, {"to", std::to_string(t + 1000)}, {"app", "survey"}})
          .body);
  EXPECT_TRUE(other->find("modules")->as_array().empty());
}

}  // namespace
}  // namespace keyline::api
