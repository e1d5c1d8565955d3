// Ownership and sharing (api/access.h) through the API: who sees, edits,
// deletes and shares apps and deployments, and who manages teams.
#include <set>

#include "api_fixture.h"

namespace keyline::api {
namespace {

class TeamsApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    other_ = key("dev2@example.com", store::Role::kDeveloper);
    ASSERT_EQ(call("PUT", "/v1/apps/demo", developer_, demo_app("demo")).status, 201);
  }

  std::set<std::string> names(const Response& r, const char* list, const char* field) {
    std::set<std::string> out;
    auto doc = parse_json(r.body);
    if (!doc || !doc->find(list)) return out;
    for (const auto& item : doc->find(list)->as_array()) out.insert(item.find(field)->as_string());
    return out;
  }

  std::set<std::string> audit_actions() {
    std::set<std::string> out;
    auto entries = audit_->recent(100);
    if (!entries) return out;
    for (const auto& e : *entries) out.insert(e.action + " " + e.target);
    return out;
  }

  std::string other_;
};

TEST_F(TeamsApiTest, AnUnsharedAppIsInvisibleToOtherDevelopersAndViewers) {
  EXPECT_EQ(names(call("GET", "/v1/apps", other_), "apps", "name"), std::set<std::string>{});
  EXPECT_EQ(names(call("GET", "/v1/apps", developer_), "apps", "name"),
            std::set<std::string>{"demo"});
  EXPECT_EQ(names(call("GET", "/v1/apps", admin_), "apps", "name"), std::set<std::string>{"demo"});
  for (const auto& k : {other_, viewer_}) {
    EXPECT_EQ(call("GET", "/v1/apps/demo", k).status, 404);
    EXPECT_EQ(call("GET", "/v1/apps/demo/revisions", k).status, 404);
    EXPECT_EQ(call("GET", "/v1/apps/demo/revisions/1", k).status, 404);
    EXPECT_EQ(call("GET", "/v1/apps/demo/graph", k).status, 404);
    EXPECT_EQ(call("GET", "/v1/apps/demo/shares", k).status, 404);
  }
  // The same 404 as a name nobody uses, but a PUT cannot pretend the name is free.
  EXPECT_EQ(call("PUT", "/v1/apps/demo", other_, demo_app("demo")).status, 403);
  EXPECT_EQ(call("PUT", "/v1/apps/demo/shares/users/dev2@example.com", other_).status, 404);
  EXPECT_EQ(apps_->get("demo")->value().latest_revision, 1);
}

TEST_F(TeamsApiTest, ATeamShareLetsMembersReadAndWriteButNotDeleteOrReshare) {
  auto team =
      call("POST", "/v1/teams", developer_, R"({"name":"ops","members":["dev2@example.com"]})");
  ASSERT_EQ(team.status, 201) << team.body;
  EXPECT_EQ(call("POST", "/v1/teams", developer_, R"({"name":"ops"})").status, 409);
  EXPECT_EQ(call("POST", "/v1/teams", developer_, R"({"name":"a b","members":["x"],"y":1})").status,
            422);
  EXPECT_EQ(call("POST", "/v1/teams", viewer_, R"({"name":"v"})").status, 403);
  ASSERT_EQ(call("PUT", "/v1/apps/demo/shares/teams/ops", developer_).status, 204);
  EXPECT_EQ(call("PUT", "/v1/apps/demo/shares/teams/nope", developer_).status, 422);
  EXPECT_EQ(call("PUT", "/v1/apps/demo/shares/users/nobody@example.com", developer_).status, 422);

  EXPECT_EQ(names(call("GET", "/v1/apps", other_), "apps", "name"), std::set<std::string>{"demo"});
  EXPECT_EQ(call("GET", "/v1/apps/demo", other_).status, 200);
  EXPECT_EQ(call("PUT", "/v1/apps/demo", other_, demo_app("demo")).status, 200) << "write";
  EXPECT_EQ(call("DELETE", "/v1/apps/demo", other_).status, 403);
  EXPECT_EQ(call("PUT", "/v1/apps/demo/shares/users/viewer@example.com", other_).status, 403);
  auto shares = call("GET", "/v1/apps/demo/shares", other_);
  ASSERT_EQ(shares.status, 200);
  EXPECT_EQ(names(shares, "shares", "team"), std::set<std::string>{"ops"});
  EXPECT_EQ(parse_json(shares.body)->find("owner")->as_string(), "dev@example.com");

  // Membership: the creator and admins manage; members see; others do not.
  EXPECT_EQ(call("GET", "/v1/teams/ops", other_).status, 200);
  EXPECT_EQ(call("GET", "/v1/teams/ops", viewer_).status, 404);
  EXPECT_EQ(names(call("GET", "/v1/teams", viewer_), "teams", "name"), std::set<std::string>{});
  EXPECT_EQ(call("PUT", "/v1/teams/ops/members/viewer@example.com", other_).status, 403);
  EXPECT_EQ(call("PUT", "/v1/teams/ops/members/not-an-email", developer_).status, 400);
  ASSERT_EQ(call("PUT", "/v1/teams/ops/members/viewer@example.com", admin_).status, 200);
  EXPECT_EQ(call("GET", "/v1/apps/demo", viewer_).status, 200) << "a viewer reads";
  EXPECT_EQ(call("PUT", "/v1/apps/demo", viewer_, demo_app("demo")).status, 403);
  ASSERT_EQ(call("DELETE", "/v1/teams/ops/members/viewer@example.com", developer_).status, 204);
  EXPECT_EQ(call("GET", "/v1/apps/demo", viewer_).status, 404) << "left the team";

  // Deleting the team closes the app to its members.
  EXPECT_EQ(call("DELETE", "/v1/teams/ops", other_).status, 403);
  ASSERT_EQ(call("DELETE", "/v1/teams/ops", developer_).status, 204);
  EXPECT_EQ(call("GET", "/v1/apps/demo", other_).status, 404);

  auto actions = audit_actions();
  for (const char* want : {"team.create ops", "app.share demo", "team.member.add ops",
                           "team.member.remove ops", "team.delete ops"})
    EXPECT_TRUE(actions.count(want)) << want;
}

TEST_F(TeamsApiTest, DeploymentsHaveOwnersAndUserShares) {
  const std::string body = R"({"label":"main","app":"demo","numbers":["100"]})";
  auto created = call("POST", "/v1/deployments", developer_, body);
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(parse_json(created.body)->find("owner")->as_string(), "dev@example.com");
  // Another developer cannot deploy an app they cannot see, nor see the deployment.
  auto hidden_app =
      call("POST", "/v1/deployments", other_, R"({"label":"mine","app":"demo","numbers":["200"]})");
  EXPECT_EQ(hidden_app.status, 422);
  EXPECT_EQ(call("GET", "/v1/deployments/main", other_).status, 404);
  EXPECT_EQ(call("PUT", "/v1/deployments/main", other_, body).status, 404);
  EXPECT_EQ(names(call("GET", "/v1/deployments", other_), "deployments", "label"),
            std::set<std::string>{});

  ASSERT_EQ(call("PUT", "/v1/deployments/main/shares/users/dev2@example.com", developer_).status,
            204);
  EXPECT_EQ(names(call("GET", "/v1/deployments", other_), "deployments", "label"),
            std::set<std::string>{"main"});
  // Editing it still needs sight of the app it runs.
  const std::string edit = R"({"app":"demo","numbers":["300"]})";
  EXPECT_EQ(call("PUT", "/v1/deployments/main", other_, edit).status, 422);
  ASSERT_EQ(call("PUT", "/v1/apps/demo/shares/users/dev2@example.com", developer_).status, 204);
  EXPECT_EQ(call("PUT", "/v1/deployments/main", other_, edit).status, 200);
  auto got = parse_json(call("GET", "/v1/deployments/main", other_).body);
  EXPECT_EQ(got->find("owner")->as_string(), "dev@example.com") << "an edit keeps the owner";
  EXPECT_EQ(call("DELETE", "/v1/deployments/main", other_).status, 403);
  ASSERT_EQ(call("DELETE", "/v1/deployments/main/shares/users/dev2@example.com", developer_).status,
            204);
  EXPECT_EQ(call("DELETE", "/v1/deployments/main/shares/users/dev2@example.com", developer_).status,
            404);
  EXPECT_EQ(call("GET", "/v1/deployments/main", other_).status, 404);
  EXPECT_EQ(call("GET", "/v1/deployments/main", admin_).status, 200);

  // A deleted deployment's shares do not carry over to a new one of the same label.
  ASSERT_EQ(call("PUT", "/v1/deployments/main/shares/users/viewer@example.com", admin_).status,
            204);
  EXPECT_EQ(call("GET", "/v1/deployments/main", viewer_).status, 200);
  ASSERT_EQ(call("DELETE", "/v1/deployments/main", developer_).status, 204);
  ASSERT_EQ(call("POST", "/v1/deployments", developer_, body).status, 201);
  EXPECT_EQ(call("GET", "/v1/deployments/main", viewer_).status, 404);

  auto actions = audit_actions();
  for (const char* want : {"deployment.share main", "deployment.unshare main"})
    EXPECT_TRUE(actions.count(want)) << want;
}

}  // namespace
}  // namespace keyline::api
