// API key revocation (key_routes.cc): own key or, for an admin, anyone's; audited; the revoked
// key is refused from the very next request.
#include "api_fixture.h"

namespace keyline::api {
namespace {

using KeysApiTest = ApiFixture;

// "kl_<id>_<secret>" → "<id>"
std::string id_of(const std::string& key) {
  const auto first = key.find('_');
  const auto second = key.find('_', first + 1);
  return key.substr(first + 1, second - first - 1);
}

TEST_F(KeysApiTest, ListsOwnKeysOrAllForAnAdminWithoutSecrets) {
  auto mine = call("GET", "/v1/keys", viewer_);
  ASSERT_EQ(mine.status, 200) << mine.body;
  auto doc = parse_json(mine.body);
  ASSERT_TRUE(doc);
  ASSERT_EQ(doc->find("keys")->as_array().size(), 1u);
  EXPECT_EQ(doc->find("keys")->as_array()[0].find("key_id")->as_string(), id_of(viewer_));
  EXPECT_EQ(doc->find("keys")->as_array()[0].find("email")->as_string(), "viewer@example.com");
  EXPECT_FALSE(doc->find("keys")->as_array()[0].find("revoked")->as_bool());
  EXPECT_EQ(mine.body.find("hash"), std::string::npos);
  auto all = parse_json(call("GET", "/v1/keys", admin_).body);
  ASSERT_TRUE(all);
  EXPECT_EQ(all->find("keys")->as_array().size(), 3u);
}

TEST_F(KeysApiTest, OwnKeyRevokedIsRefusedAtOnceAndAudited) {
  const std::string second = key("viewer@example.com", store::Role::kViewer);
  ASSERT_EQ(call("GET", "/v1/apps", second).status, 200);
  const auto before = audit_->recent(100)->size();
  EXPECT_EQ(call("DELETE", "/v1/keys/" + id_of(second), viewer_).status, 204);
  EXPECT_EQ(call("GET", "/v1/apps", second).status, 401);
  EXPECT_EQ(call("GET", "/v1/apps", viewer_).status, 200);  // the user's other key still works
  auto audit = audit_->recent(100);
  ASSERT_EQ(audit->size(), before + 1);
  EXPECT_EQ(audit->front().action, "key.revoke");
  EXPECT_EQ(audit->front().target, id_of(second));
  EXPECT_EQ(audit->front().actor, "viewer@example.com");
  EXPECT_EQ(audit->front().detail.find(second.substr(second.rfind('_') + 1)), std::string::npos);
  // Again: nothing to do, nothing audited. A key may revoke itself.
  EXPECT_EQ(call("DELETE", "/v1/keys/" + id_of(second), viewer_).status, 204);
  EXPECT_EQ(audit_->recent(100)->size(), before + 1);
  EXPECT_EQ(call("DELETE", "/v1/keys/" + id_of(viewer_), viewer_).status, 204);
  EXPECT_EQ(call("GET", "/v1/apps", viewer_).status, 401);
}

TEST_F(KeysApiTest, OthersKeysAreHiddenExceptFromAdmins) {
  EXPECT_EQ(call("DELETE", "/v1/keys/" + id_of(admin_), developer_).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/keys/unknown", developer_).status, 404);
  EXPECT_EQ(call("GET", "/v1/apps", admin_).status, 200);
  EXPECT_EQ(call("DELETE", "/v1/keys/" + id_of(developer_), admin_).status, 204);
  EXPECT_EQ(call("GET", "/v1/apps", developer_).status, 401);
  EXPECT_EQ(audit_->recent(1)->front().detail, "key of dev@example.com");
  EXPECT_EQ(call("DELETE", "/v1/keys/" + id_of(viewer_), "").status, 401);
}

}  // namespace
}  // namespace keyline::api
