// Every route that changes something writes an audit entry naming the actor:
// each write route is exercised here, and a new write route fails the first
// test until it is added (with its audit) to the list.
#include <gtest/gtest.h>

#include <set>

#include "api_fixture.h"
#include "base/base64.h"

namespace keyline::api {
namespace {

using AuditCoverageTest = ApiFixture;

const std::set<std::string> kAuditedWrites = {
    "PUT /v1/apps/{name}",
    "DELETE /v1/apps/{name}",
    "POST /v1/deployments",
    "PUT /v1/deployments/{label}",
    "DELETE /v1/deployments/{label}",
    "POST /v1/privacy/memory-scan",
    "POST /v1/import",
    "POST /v1/trunks",
    "PUT /v1/trunks/{name}",
    "DELETE /v1/trunks/{name}",
    // Outbound calls (outbound_routes.cc); the bulk queue's audit is checked in
    // outbound_api_test.cc (its body is CSV).
    "POST /v1/deployments/{label}/outbound",
    "POST /v1/deployments/{label}/outbound/bulk",
    "DELETE /v1/deployments/{label}/outbound",
    // Teams and sharing (team_routes.cc).
    "POST /v1/teams",
    "DELETE /v1/teams/{name}",
    "PUT /v1/teams/{name}/members/{email}",
    "DELETE /v1/teams/{name}/members/{email}",
    "PUT /v1/apps/{name}/shares/users/{grantee}",
    "DELETE /v1/apps/{name}/shares/users/{grantee}",
    "PUT /v1/apps/{name}/shares/teams/{grantee}",
    "DELETE /v1/apps/{name}/shares/teams/{grantee}",
    "PUT /v1/deployments/{label}/shares/users/{grantee}",
    "DELETE /v1/deployments/{label}/shares/users/{grantee}",
    "PUT /v1/deployments/{label}/shares/teams/{grantee}",
    "DELETE /v1/deployments/{label}/shares/teams/{grantee}",
    // Recordings (recording_routes.cc); checked in recordings_api_test.cc (needs a row).
    "DELETE /v1/recordings/{id}",
    // Storage branch: recorded prompts of stored apps (checked in app_prompts_api_test.cc: the
    // body is a WAV) and key revocation (keys_api_test.cc).
    "PUT /v1/apps/{name}/prompts/{file}",
    "DELETE /v1/apps/{name}/prompts/{file}",
    "DELETE /v1/keys/{key_id}",
};
// POSTs that change nothing (validation without storing).
const std::set<std::string> kReadOnlyPosts = {"POST /v1/apps/{name}/validate"};

TEST_F(AuditCoverageTest, EveryWriteRouteIsInTheAuditedList) {
  for (const auto& r : service_->routes()) {
    if (r.method == "GET" || kReadOnlyPosts.count(r.method + " " + r.pattern)) continue;
    EXPECT_TRUE(kAuditedWrites.count(r.method + " " + r.pattern))
        << r.method << " " << r.pattern << " changes state: audit it and add it here";
  }
}

TEST_F(AuditCoverageTest, EachWriteLeavesOneEntryWithActorActionAndTarget) {
  struct Step {
    std::string method, path, body, action, target;
    int status;
  };
  std::vector<std::uint8_t> half(8, 7);
  const std::string probe = "{\"probes\":[{\"label\":\"x\",\"masked\":\"" + base64_encode(half) +
                            "\",\"key\":\"" + base64_encode(half) + "\"}]}";
  const std::string import = R"({"keyline_export":1,"apps":[{"name":"imported","revisions":[)"
                             R"({"revision":1,"document":)" +
                             Json(demo_app("imported")).dump() + "}]}]}";
  const std::vector<Step> steps = {
      {"PUT", "/v1/apps/support", demo_app("support"), "app.create", "support", 201},
      {"PUT", "/v1/apps/support", demo_app("support"), "app.update", "support", 200},
      {"POST", "/v1/teams", R"({"name":"ops"})", "team.create", "ops", 201},
      {"PUT", "/v1/teams/ops/members/dev@example.com", "", "team.member.add", "ops", 200},
      {"PUT", "/v1/apps/support/shares/teams/ops", "", "app.share", "support", 204},
      {"PUT", "/v1/apps/support/shares/users/dev@example.com", "", "app.share", "support", 204},
      {"DELETE", "/v1/apps/support/shares/teams/ops", "", "app.unshare", "support", 204},
      {"DELETE", "/v1/apps/support/shares/users/dev@example.com", "", "app.unshare", "support",
       204},
      {"POST", "/v1/deployments", R"({"label":"main","app":"support","numbers":["100"]})",
       "deployment.create", "main", 201},
      {"PUT", "/v1/deployments/main", R"({"app":"support","numbers":["100","200"]})",
       "deployment.update", "main", 200},
      {"PUT", "/v1/deployments/main/shares/teams/ops", "", "deployment.share", "main", 204},
      {"PUT", "/v1/deployments/main/shares/users/dev@example.com", "", "deployment.share", "main",
       204},
      {"DELETE", "/v1/deployments/main/shares/teams/ops", "", "deployment.unshare", "main", 204},
      {"DELETE", "/v1/deployments/main/shares/users/dev@example.com", "", "deployment.unshare",
       "main", 204},
      {"DELETE", "/v1/teams/ops/members/dev@example.com", "", "team.member.remove", "ops", 204},
      {"DELETE", "/v1/teams/ops", "", "team.delete", "ops", 204},
      {"POST", "/v1/deployments/main/outbound", R"({"phone_number":"6175551234"})",
       "outbound.queue", "main", 201},
      {"DELETE", "/v1/deployments/main/outbound", "", "outbound.cancel", "main", 202},
      {"DELETE", "/v1/deployments/main", "", "deployment.delete", "main", 204},
      {"DELETE", "/v1/apps/support", "", "app.delete", "support", 204},
      {"POST", "/v1/privacy/memory-scan", probe, "privacy.memory_scan", "server", 200},
      {"POST", "/v1/import", import, "import", "", 200},
      {"POST", "/v1/trunks", R"({"name":"carrier","allow":["192.0.2.1"]})", "trunk.create",
       "carrier", 201},
      {"PUT", "/v1/trunks/carrier", R"({"allow":["192.0.2.2"]})", "trunk.update", "carrier", 200},
      {"DELETE", "/v1/trunks/carrier", "", "trunk.delete", "carrier", 204},
  };
  for (const auto& s : steps) {
    auto before = audit_->recent(1000);
    ASSERT_TRUE(before);
    auto r = call(s.method, s.path, admin_, s.body);
    ASSERT_EQ(r.status, s.status) << s.method << " " << s.path << ": " << r.body;
    auto after = audit_->recent(1000);
    ASSERT_TRUE(after);
    ASSERT_EQ(after->size(), before->size() + 1) << s.action;
    EXPECT_EQ(after->front().action, s.action);
    EXPECT_EQ(after->front().target, s.target);
    EXPECT_EQ(after->front().actor, "admin@example.com");
  }
  // A refused write leaves nothing.
  auto before = audit_->recent(1000)->size();
  EXPECT_EQ(call("POST", "/v1/deployments", admin_, R"({"label":"x"})").status, 422);
  EXPECT_EQ(call("PUT", "/v1/apps/support", viewer_, demo_app("support")).status, 403);
  EXPECT_EQ(audit_->recent(1000)->size(), before);
}

}  // namespace
}  // namespace keyline::api
