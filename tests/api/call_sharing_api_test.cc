// Sharing for call logs, reports and outbound calls (call_access.h): a developer or viewer
// reads the calls of deployments they own or that are shared with them, and of deployments
// that run an app they own or that is shared with them; admins read everything.
#include <set>

#include "api_fixture.h"

namespace keyline::api {
namespace {

class CallSharingApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    other_ = key("other@example.com", store::Role::kDeveloper);
    // dev owns app "mine" and deployment "a"; other owns app "theirs" and deployments "b", "c".
    ASSERT_EQ(call("PUT", "/v1/apps/mine", developer_, demo_app("mine")).status, 201);
    ASSERT_EQ(call("PUT", "/v1/apps/theirs", other_, demo_app("theirs")).status, 201);
    ASSERT_EQ(call("POST", "/v1/deployments", developer_,
                   R"({"label":"a","app":"mine","numbers":["100"]})")
                  .status,
              201);
    ASSERT_EQ(
        call("POST", "/v1/deployments", other_, R"({"label":"b","app":"theirs","numbers":["200"]})")
            .status,
        201);
    ASSERT_EQ(
        call("POST", "/v1/deployments", other_, R"({"label":"c","app":"theirs","numbers":["300"]})")
            .status,
        201);
    write_call("call-a", "mine", "a", 1);
    write_call("call-b", "theirs", "b", 2);
    write_call("call-c", "theirs", "c", 3);
    write_call("call-config", "demo", "demo", 4);  // a config-file deployment's call
  }

  void write_call(const std::string& id, const std::string& app, const std::string& deployment,
                  int n) {
    store::CallRecord r;
    r.call_id = id;
    r.from = "sip:alice@example.com";
    r.to = "sip:100@example.com";
    r.app = app;
    r.deployment = deployment;
    r.start_unix_ms = 1'700'000'000'000 - 10'000 + n;
    r.answer_unix_ms = r.start_unix_ms + 1;
    r.end_unix_ms = r.start_unix_ms + 1000;
    r.exit_reason = "bye";
    r.visits = {{"main", "greeting", "prompt", "next"}};
    ASSERT_TRUE(calls_->write(r));
  }

  std::set<std::string> listed(const std::string& key) {
    auto r = call("GET", "/v1/calls", key, "", {{"from", "0"}});
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    auto doc = parse_json(r.body);
    if (!doc) return out;
    for (const auto& c : doc->find("calls")->as_array())
      out.insert(c.find("session_id")->as_string());
    return out;
  }

  std::int64_t reported(const std::string& key) {
    auto r = call("GET", "/v1/reports/calls", key, "", {{"from", "0"}});
    EXPECT_EQ(r.status, 200) << r.body;
    auto doc = parse_json(r.body);
    return doc ? doc->find("total")->find("calls")->as_integer().value_or(-1) : -1;
  }

  std::int64_t module_visits(const std::string& key) {
    auto r = call("GET", "/v1/reports/modules", key, "", {{"from", "0"}});
    EXPECT_EQ(r.status, 200) << r.body;
    auto doc = parse_json(r.body);
    std::int64_t visits = 0;
    if (doc)
      for (const auto& m : doc->find("modules")->as_array())
        visits += m.find("visits")->as_integer().value_or(0);
    return visits;
  }

  std::string other_;
};

TEST_F(CallSharingApiTest, CallLogsFollowDeploymentsAndApps) {
  EXPECT_EQ(listed(admin_), (std::set<std::string>{"call-a", "call-b", "call-c", "call-config"}));
  EXPECT_EQ(listed(developer_), (std::set<std::string>{"call-a"}));
  EXPECT_EQ(listed(other_), (std::set<std::string>{"call-b", "call-c"}));
  EXPECT_TRUE(listed(viewer_).empty());  // a viewer owns nothing: only what is shared

  EXPECT_EQ(call("GET", "/v1/calls/call-a", developer_).status, 200);
  EXPECT_EQ(call("GET", "/v1/calls/call-b", developer_).status, 404);  // as if it did not exist
  EXPECT_EQ(call("GET", "/v1/calls/call-config", developer_).status, 404);
  EXPECT_EQ(call("GET", "/v1/calls/call-config", admin_).status, 200);

  // A shared deployment brings its calls; a shared app brings every deployment running it.
  ASSERT_TRUE(teams_->share({"deployment", "b", "user", "dev@example.com", 1}));
  EXPECT_EQ(listed(developer_), (std::set<std::string>{"call-a", "call-b"}));
  EXPECT_EQ(call("GET", "/v1/calls/call-b", developer_).status, 200);
  share_with_viewer("app", "theirs");
  EXPECT_EQ(listed(viewer_), (std::set<std::string>{"call-b", "call-c"}));
  EXPECT_EQ(call("GET", "/v1/calls/call-c", viewer_).status, 200);
  EXPECT_EQ(call("GET", "/v1/calls/call-a", viewer_).status, 404);
}

TEST_F(CallSharingApiTest, ThroughATeamToo) {
  ASSERT_EQ(call("POST", "/v1/teams", other_, R"({"name":"ops","members":["viewer@example.com"]})")
                .status,
            201);
  ASSERT_EQ(call("PUT", "/v1/deployments/c/shares/teams/ops", other_).status, 204);
  EXPECT_EQ(listed(viewer_), (std::set<std::string>{"call-c"}));
}

TEST_F(CallSharingApiTest, PagesStayFullWhenOthersCallsAreLeftOut) {
  // The filter is in the query: a page of 1 of the developer's calls skips the others' calls
  // in between rather than coming back empty.
  for (int i = 0; i < 3; ++i) write_call("more-a" + std::to_string(i), "mine", "a", 10 + i * 2);
  for (int i = 0; i < 3; ++i) write_call("more-b" + std::to_string(i), "theirs", "b", 11 + i * 2);
  std::set<std::string> seen;
  std::map<std::string, std::string> query{{"limit", "1"}, {"from", "0"}};
  for (int page = 0; page < 10; ++page) {
    auto r = call("GET", "/v1/calls", developer_, "", query);
    ASSERT_EQ(r.status, 200);
    auto doc = parse_json(r.body);
    for (const auto& c : doc->find("calls")->as_array())
      seen.insert(c.find("session_id")->as_string());
    if (doc->find("next_cursor")->is_null()) break;
    query["cursor"] = doc->find("next_cursor")->as_string();
  }
  EXPECT_EQ(seen, (std::set<std::string>{"call-a", "more-a0", "more-a1", "more-a2"}));
}

TEST_F(CallSharingApiTest, ReportsCountOnlyReadableCalls) {
  EXPECT_EQ(reported(admin_), 4);
  EXPECT_EQ(reported(developer_), 1);
  EXPECT_EQ(reported(other_), 2);
  EXPECT_EQ(reported(viewer_), 0);
  EXPECT_EQ(module_visits(admin_), 4);
  EXPECT_EQ(module_visits(developer_), 1);
  EXPECT_EQ(module_visits(viewer_), 0);
  // Naming another's deployment does not get around it: the filter is the intersection.
  auto r = call("GET", "/v1/reports/calls", developer_, "", {{"from", "0"}, {"deployment", "b"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse_json(r.body)->find("total")->find("calls")->as_integer(), 0);
  share_with_viewer("deployment", "a");
  EXPECT_EQ(reported(viewer_), 1);
  EXPECT_EQ(module_visits(viewer_), 1);
}

TEST_F(CallSharingApiTest, OutboundQueuesAreAsPrivateAsTheirDeployment) {
  const std::string body = R"({"phone_number":"6175551234"})";
  auto queued = call("POST", "/v1/deployments/b/outbound", other_, body);
  ASSERT_EQ(queued.status, 201) << queued.body;
  const std::string id = parse_json(queued.body)->find("call_id")->as_string();

  // Not shared: the deployment and its calls do not exist for the developer or the viewer.
  EXPECT_EQ(call("POST", "/v1/deployments/b/outbound", developer_, body).status, 404);
  EXPECT_EQ(call("GET", "/v1/deployments/b/outbound", developer_).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/deployments/b/outbound", developer_).status, 404);
  EXPECT_EQ(call("GET", "/v1/outbound/" + id, developer_).status, 404);
  EXPECT_EQ(call("GET", "/v1/outbound/" + id, viewer_).status, 404);
  EXPECT_EQ(call("GET", "/v1/outbound/" + id, admin_).status, 200);
  EXPECT_EQ(call("GET", "/v1/outbound/" + id, other_).status, 200);

  // Shared read-only with the viewer: they read it; shared with the developer: they queue too.
  share_with_viewer("deployment", "b");
  EXPECT_EQ(call("GET", "/v1/outbound/" + id, viewer_).status, 200);
  EXPECT_EQ(call("GET", "/v1/deployments/b/outbound", viewer_).status, 200);
  ASSERT_TRUE(teams_->share({"deployment", "b", "user", "dev@example.com", 1}));
  EXPECT_EQ(call("POST", "/v1/deployments/b/outbound", developer_, body).status, 201);
  EXPECT_EQ(call("DELETE", "/v1/deployments/b/outbound", developer_).status, 202);
}

}  // namespace
}  // namespace keyline::api
