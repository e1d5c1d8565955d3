// PUT /v1/apps refuses a secure app while the privacy audit has an unacknowledged error, and
// stores it once the finding is acknowledged.
#include "api_fixture.h"

namespace keyline::api {
namespace {

using SecureAppApiTest = ApiFixture;

std::string secure_app(const std::string& acknowledged) {
  return R"({"name": "pay", "settings": {"secure": true, "audit_acknowledged": [)" + acknowledged +
         R"(]}, "pages": [{"name": "main", "modules": [
    {"type": "digits", "name": "ref", "private": false, "prompt": "Reference?"},
    {"type": "exit", "name": "done"}]}]})";
}

TEST_F(SecureAppApiTest, UnacknowledgedAuditErrorIsA422AndWritesNothing) {
  auto r = call("PUT", "/v1/apps/pay", developer_, secure_app(""));
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("fails the privacy audit"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("[ref: not_private]"), std::string::npos) << r.body;
  EXPECT_FALSE(apps_->get("pay")->has_value());

  auto stored = call("PUT", "/v1/apps/pay", developer_, secure_app(R"("ref: not_private")"));
  EXPECT_LT(stored.status, 300) << stored.body;
  EXPECT_TRUE(apps_->get("pay")->has_value());
}

}  // namespace
}  // namespace keyline::api
