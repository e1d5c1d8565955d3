// The API tells the server to rebuild its routing table after each write that can change how
// calls are routed, and only then: a refused write changes nothing, so it must not reload.
#include "api_fixture.h"

namespace keyline::api {
namespace {

using RoutingNoticeTest = ApiFixture;

TEST_F(RoutingNoticeTest, DeploymentWritesAndAppRevisionsNotifyRefusedWritesDoNot) {
  ASSERT_EQ(call("PUT", "/v1/apps/demo", developer_, demo_app("demo")).status, 201);
  EXPECT_EQ(routing_changes_, 1) << "a new revision moves deployments that follow the latest";
  EXPECT_EQ(call("PUT", "/v1/apps/demo", developer_, "{\"name\": \"demo\"}").status, 422);
  EXPECT_EQ(routing_changes_, 1);

  const std::string body = R"({"label":"main","app":"demo","numbers":["100"]})";
  ASSERT_EQ(call("POST", "/v1/deployments", developer_, body).status, 201);
  EXPECT_EQ(routing_changes_, 2);
  EXPECT_EQ(call("POST", "/v1/deployments", developer_, body).status, 409);
  EXPECT_EQ(call("POST", "/v1/deployments", viewer_, body).status, 403);
  EXPECT_EQ(routing_changes_, 2);

  ASSERT_EQ(
      call("PUT", "/v1/deployments/main", developer_, R"({"app":"demo","numbers":["200"]})").status,
      200);
  EXPECT_EQ(routing_changes_, 3);
  EXPECT_EQ(
      call("PUT", "/v1/deployments/main", developer_, R"({"app":"demo","numbers":[]})").status,
      422);
  EXPECT_EQ(routing_changes_, 3);

  ASSERT_EQ(call("DELETE", "/v1/deployments/main", developer_).status, 204);
  EXPECT_EQ(routing_changes_, 4);
  EXPECT_EQ(call("DELETE", "/v1/deployments/main", developer_).status, 404);
  EXPECT_EQ(routing_changes_, 4);
}

}  // namespace
}  // namespace keyline::api
