#include "api_fixture.h"

namespace keyline::api {
namespace {

using AppsApiTest = ApiFixture;

TEST_F(AppsApiTest, CredentialsAndRolesAreChecked) {
  EXPECT_EQ(call("GET", "/v1/apps", "").status, 401);
  auto r = call("GET", "/v1/apps", "kl_0123456789abcdef_" + std::string(64, 'a'));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_EQ(call("GET", "/v1/apps", viewer_).status, 200);
  EXPECT_EQ(call("PUT", "/v1/apps/demo", viewer_, demo_app("demo")).status, 403);
  EXPECT_EQ(call("GET", "/v1/audit", developer_).status, 403);
  EXPECT_EQ(call("GET", "/v1/audit", admin_).status, 200);
  EXPECT_EQ(call("GET", "/v1/health", "").status, 200) << "health needs no key";
  EXPECT_TRUE(apps_->list()->empty());
}

TEST_F(AppsApiTest, InvalidAppIsA422ProblemListAndWritesNothing) {
  std::string broken = demo_app("demo");
  broken.replace(broken.find("\"start_page\": \"main\""), 20, "\"start_page\": \"nowhere\"");
  auto r = call("PUT", "/v1/apps/demo", developer_, broken);
  EXPECT_EQ(r.status, 422);
  auto doc = parse_json(r.body);
  ASSERT_TRUE(doc);
  const Json* errors = doc->find("errors");
  ASSERT_TRUE(errors && errors->is_array() && !errors->as_array().empty()) << r.body;
  const auto& where = errors->as_array()[0].find("where")->as_string();
  EXPECT_EQ(where.rfind("demo.json:", 0), 0u) << where;
  EXPECT_FALSE(apps_->get("demo")->has_value());
  EXPECT_TRUE(audit_->recent(10)->empty());
  EXPECT_EQ(call("PUT", "/v1/apps/other", developer_, demo_app("demo")).status, 422)
      << "the document's name must match the URL";
}

TEST_F(AppsApiTest, CreateUpdateRevisionsDeleteAndAudit) {
  auto created = call("PUT", "/v1/apps/demo", developer_, demo_app("demo"));
  ASSERT_EQ(created.status, 201) << created.body;
  share_with_viewer("app", "demo");
  EXPECT_EQ(call("PUT", "/v1/apps/demo", developer_, demo_app("demo")).status, 200);
  auto got = parse_json(call("GET", "/v1/apps/demo", viewer_).body);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->find("latest_revision")->as_integer(), 2);
  EXPECT_EQ(got->find("latest")->find("document")->find("name")->as_string(), "demo");
  auto revisions = parse_json(call("GET", "/v1/apps/demo/revisions", viewer_).body);
  EXPECT_EQ(revisions->find("revisions")->as_array().size(), 2u);
  EXPECT_EQ(call("GET", "/v1/apps/demo/revisions/1", viewer_).status, 200);
  EXPECT_EQ(call("GET", "/v1/apps/demo/revisions/9", viewer_).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/apps/demo", developer_).status, 204);
  EXPECT_EQ(call("GET", "/v1/apps/demo", viewer_).status, 404);
  auto audit = audit_->recent(10);
  ASSERT_EQ(audit->size(), 3u);
  EXPECT_EQ((*audit)[0].action, "app.delete");
  EXPECT_EQ((*audit)[2].action, "app.create");
  EXPECT_EQ((*audit)[2].actor, "dev@example.com");
}

TEST_F(AppsApiTest, RateLimitAnswers429WithRetryAfterPerKey) {
  rate_ = 1;
  burst_ = 2;
  std::filesystem::remove_all(dir_);
  SetUp();  // rebuild the service with the small bucket
  EXPECT_EQ(call("GET", "/v1/apps", viewer_).status, 200);
  EXPECT_EQ(call("GET", "/v1/apps", viewer_).status, 200);
  auto limited = call("GET", "/v1/apps", viewer_);
  EXPECT_EQ(limited.status, 429);
  bool has_retry_after = false;
  for (auto& [k, v] : limited.headers) has_retry_after |= k == "Retry-After" && v == "1";
  EXPECT_TRUE(has_retry_after);
  EXPECT_EQ(call("GET", "/v1/apps", developer_).status, 200);
  now_ += std::chrono::seconds(1);
  EXPECT_EQ(call("GET", "/v1/apps", viewer_).status, 200);
}

TEST_F(AppsApiTest, RepeatedAuthFailuresFromOneAddressAreSlowedDown) {
  auto attempt = [&](const std::string& peer, const std::string& key) {
    Request r;
    r.method = "GET";
    r.path = "/v1/apps";
    r.authorization = "Bearer " + key;
    r.peer = peer;
    return service_->handle(r).status;
  };
  std::string wrong = "kl_0123456789abcdef_" + std::string(64, 'b');
  for (int i = 0; i < 10; ++i) EXPECT_EQ(attempt("192.0.2.1", wrong), 401) << i;
  EXPECT_EQ(attempt("192.0.2.1", wrong), 429);
  EXPECT_EQ(attempt("192.0.2.1", viewer_), 429) << "blocked before any key is checked";
  EXPECT_EQ(attempt("192.0.2.2", viewer_), 200) << "other addresses are unaffected";
  now_ += std::chrono::seconds(5);
  EXPECT_EQ(attempt("192.0.2.1", viewer_), 200);
  EXPECT_EQ(attempt("192.0.2.1", viewer_), 200) << "successes cost no failure tokens";
}

}  // namespace
}  // namespace keyline::api
