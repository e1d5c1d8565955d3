#include <set>

#include "api_fixture.h"

namespace keyline::api {
namespace {

using DeploymentsApiTest = ApiFixture;

TEST_F(DeploymentsApiTest, BadFieldsAreAllReportedAndNothingIsWritten) {
  ASSERT_EQ(call("PUT", "/v1/apps/demo", developer_, demo_app("demo")).status, 201);
  auto audit_before = audit_->recent(100)->size();
  auto r = call("POST", "/v1/deployments", developer_,
                R"({"label":"main","app":"nope","numbers":["100","1 2"],"secure":"yes","x":1})");
  EXPECT_EQ(r.status, 422);
  auto doc = parse_json(r.body);
  ASSERT_TRUE(doc);
  std::set<std::string> where;
  for (const auto& e : doc->find("errors")->as_array()) where.insert(e.find("where")->as_string());
  EXPECT_EQ(where, (std::set<std::string>{"/app", "/numbers/1", "/secure", "/x"}));
  EXPECT_EQ(call("POST", "/v1/deployments", developer_, "{\"label\":").status, 400);
  EXPECT_TRUE(deployments_->list()->empty());
  EXPECT_EQ(audit_->recent(100)->size(), audit_before);
}

TEST_F(DeploymentsApiTest, Crud) {
  ASSERT_EQ(call("PUT", "/v1/apps/demo", developer_, demo_app("demo")).status, 201);
  std::string body =
      R"({"label":"main","app":"demo","numbers":["100","44*"],"variables":{"queue":"sales"},"secure":true})";
  ASSERT_EQ(call("POST", "/v1/deployments", developer_, body).status, 201);
  share_with_viewer("deployment", "main");
  EXPECT_EQ(call("POST", "/v1/deployments", developer_, body).status, 409);
  auto got = parse_json(call("GET", "/v1/deployments/main", viewer_).body);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->find("variables")->find("queue")->as_string(), "sales");
  EXPECT_TRUE(got->find("secure")->as_bool());
  EXPECT_EQ(call("PUT", "/v1/deployments/main", developer_,
                 R"({"app":"demo","numbers":["200"],"revision":1})")
                .status,
            200);
  got = parse_json(call("GET", "/v1/deployments/main", viewer_).body);
  EXPECT_EQ(got->find("numbers")->dump(), "[\"200\"]");
  EXPECT_EQ(call("PUT", "/v1/deployments/main", developer_,
                 R"({"app":"demo","numbers":["200"],"revision":7})")
                .status,
            422);
  EXPECT_EQ(call("DELETE", "/v1/apps/demo", developer_).status, 409) << "in use";
  EXPECT_EQ(call("DELETE", "/v1/deployments/main", developer_).status, 204);
  EXPECT_EQ(call("DELETE", "/v1/deployments/main", developer_).status, 404);
}

using CallsApiTest = ApiFixture;

TEST_F(CallsApiTest, ListFiltersAndCursorPagesThenOneCallWithEntries) {
  for (int i = 0; i < 12; ++i) {
    store::CallRecord r;
    r.call_id = "c" + std::to_string(100 + i);
    r.from = "sip:alice@example.com";
    r.to = i % 2 ? "sip:100@h" : "sip:200@h";
    r.app = "demo";
    r.start_unix_ms = 1'700'000'000'000 + i * 1000;
    r.end_unix_ms = r.start_unix_ms + 500;
    r.exit_reason = "remote_bye";
    r.visits = {{"main", "greeting", "prompt", "next"}};
    ASSERT_TRUE(calls_->write(r));
  }
  std::set<std::string> seen;
  std::map<std::string, std::string> query{{"limit", "5"}, {"number", "100"}};
  for (int page = 0; page < 5; ++page) {
    auto r = call("GET", "/v1/calls", admin_, "", query);
    ASSERT_EQ(r.status, 200) << r.body;
    auto doc = parse_json(r.body);
    for (const auto& c : doc->find("calls")->as_array()) {
      EXPECT_EQ(c.find("dest")->as_string(), "sip:100@h");
      EXPECT_TRUE(seen.insert(c.find("session_id")->as_string()).second);
    }
    const Json* next = doc->find("next_cursor");
    if (next->is_null()) break;
    query["cursor"] = next->as_string();
  }
  EXPECT_EQ(seen.size(), 6u);
  auto bad = call("GET", "/v1/calls", admin_, "",
                  {{"from", "yesterday"}, {"limit", "0"}, {"cursor", "zz"}, {"colour", "red"}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(parse_json(bad.body)->find("errors")->as_array().size(), 4u);
  auto range = call("GET", "/v1/calls", admin_, "",
                    {{"from", "2023-11-14T22:13:25.000Z"}, {"to", "2023-11-14T22:13:27Z"}});
  EXPECT_EQ(parse_json(range.body)->find("calls")->as_array().size(), 2u) << range.body;
  auto one = call("GET", "/v1/calls/c105", admin_);
  ASSERT_EQ(one.status, 200);
  auto doc = parse_json(one.body);
  EXPECT_EQ(doc->find("entries")->as_array()[0].find("class")->as_string(), "event");
  EXPECT_EQ(doc->find("start")->as_string(), "2023-11-14T22:13:25.000Z");
  EXPECT_EQ(call("GET", "/v1/calls/none", admin_).status, 404);
}

}  // namespace
}  // namespace keyline::api
