// docs/openapi.yaml and the router must agree: every served route is
// documented, and every documented operation is served.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "api_fixture.h"
#include "base/strings.h"

namespace keyline::api {
namespace {

using OpenApiTest = ApiFixture;

TEST_F(OpenApiTest, SpecAndRouterListTheSameOperations) {
  YAML::Node spec = YAML::LoadFile(std::string(KEYLINE_SOURCE_DIR) + "/docs/openapi.yaml");
  ASSERT_TRUE(spec["openapi"].IsDefined());
  EXPECT_EQ(spec["openapi"].as<std::string>().rfind("3.", 0), 0u);
  std::set<std::string> documented;
  for (const auto& path : spec["paths"]) {
    for (const auto& op : path.second) {
      std::string method = op.first.as<std::string>();
      if (method == "parameters") continue;
      std::string upper;
      for (char c : method) upper += static_cast<char>(c - 32 * (c >= 'a' && c <= 'z'));
      documented.insert(upper + " " + path.first.as<std::string>());
    }
  }
  std::set<std::string> served;
  for (const auto& r : service_->routes()) served.insert(r.method + " " + r.pattern);
  for (const auto& s : served) EXPECT_TRUE(documented.count(s)) << "not in openapi.yaml: " << s;
  for (const auto& d : documented) EXPECT_TRUE(served.count(d)) << "not served: " << d;
  EXPECT_GE(served.size(), 15u);
}

}  // namespace
}  // namespace keyline::api
