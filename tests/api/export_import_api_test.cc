// GET /v1/export and POST /v1/import: a round trip restores apps (every
// revision, byte for byte, with authors and times) and deployments; any bad
// part of an import writes nothing at all.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace keyline::api {
namespace {

using ExportImportTest = ApiFixture;

std::string import_of(const std::vector<std::pair<std::string, std::string>>& apps,
                      const std::string& deployments = "[]") {
  std::string out = R"({"keyline_export":1,"apps":[)";
  for (std::size_t i = 0; i < apps.size(); ++i)
    out += (i ? "," : "") + std::string(R"({"name":")") + apps[i].first +
           R"(","revisions":[{"revision":1,"document":)" + Json(apps[i].second).dump() + "}]}";
  return out + R"(],"deployments":)" + deployments + "}";
}

TEST_F(ExportImportTest, ARoundTripRestoresAppsRevisionsAndDeployments) {
  ASSERT_EQ(call("PUT", "/v1/apps/support", developer_, demo_app("support")).status, 201);
  auto put2 = call("PUT", "/v1/apps/support", admin_, demo_app("support") + "\n");
  ASSERT_EQ(put2.status, 200) << put2.body;
  ASSERT_EQ(call("POST", "/v1/deployments", admin_,
                 R"({"label":"main","app":"support","revision":1,"numbers":["100"],)"
                 R"("variables":{"queue":"sales"},"secure":false})")
                .status,
            201);
  auto exported = call("GET", "/v1/export", admin_);
  ASSERT_EQ(exported.status, 200) << exported.body;
  auto doc = parse_json(exported.body, 64);
  ASSERT_TRUE(doc);
  const auto& revisions = doc->find("apps")->as_array()[0].find("revisions")->as_array();
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_EQ(revisions[1].find("document")->as_string(), demo_app("support") + "\n")
      << "documents are exported exactly as stored";
  EXPECT_EQ(revisions[0].find("author")->as_string(), "dev@example.com");

  ASSERT_EQ(call("DELETE", "/v1/deployments/main", admin_).status, 204);
  ASSERT_EQ(call("DELETE", "/v1/apps/support", admin_).status, 204);
  auto imported = call("POST", "/v1/import", admin_, exported.body);
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_NE(imported.body.find("\"apps\":1"), std::string::npos) << imported.body;
  EXPECT_NE(imported.body.find("\"deployments\":1"), std::string::npos) << imported.body;
  EXPECT_GT(routing_changes_, 0);
  auto again = call("GET", "/v1/export", admin_);
  EXPECT_EQ(again.body, exported.body) << "the import restored exactly what was exported";
}

TEST_F(ExportImportTest, ABrokenAppAnywhereWritesNothing) {
  std::string broken = demo_app("broken");
  broken.replace(broken.find("\"start_page\": \"main\""), 20, "\"start_page\": \"nowhere\"");
  auto r = call("POST", "/v1/import", admin_,
                import_of({{"good", demo_app("good")}, {"broken", broken}}));
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("/apps/1/revisions/0/document broken.json:"), std::string::npos) << r.body;
  EXPECT_EQ(r.content_type, "application/problem+json");
  EXPECT_TRUE(apps_->list()->empty());
}

TEST_F(ExportImportTest, ABadDeploymentRollsBackTheAppsWrittenBeforeIt) {
  auto r = call("POST", "/v1/import", admin_,
                import_of({{"good", demo_app("good")}},
                          R"([{"label":"main","app":"good","numbers":["100"]},)"
                          R"({"label":"other","app":"missing","numbers":["200"]}])"));
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("/deployments/1/app"), std::string::npos) << r.body;
  EXPECT_TRUE(apps_->list()->empty()) << "the app written in the transaction was rolled back";
  EXPECT_TRUE(deployments_->list()->empty());
  EXPECT_EQ(routing_changes_, 0);
}

TEST_F(ExportImportTest, ExistingNamesConflictAndNothingIsWritten) {
  ASSERT_EQ(call("PUT", "/v1/apps/good", admin_, demo_app("good")).status, 201);
  auto r = call("POST", "/v1/import", admin_,
                import_of({{"fresh", demo_app("fresh")}, {"good", demo_app("good")}}));
  ASSERT_EQ(r.status, 409) << r.body;
  EXPECT_FALSE(apps_->get("fresh")->has_value());
  EXPECT_EQ((*apps_->get("good"))->latest_revision, 1);
}

TEST_F(ExportImportTest, MalformedDocumentsAndRolesAreRefused) {
  EXPECT_EQ(call("GET", "/v1/export", developer_).status, 403);
  EXPECT_EQ(call("POST", "/v1/import", developer_, import_of({})).status, 403);
  EXPECT_EQ(call("POST", "/v1/import", admin_, "{").status, 400);
  EXPECT_EQ(call("POST", "/v1/import", admin_, R"({"apps":[]})").status, 422)
      << "the format version is required";
  EXPECT_EQ(
      call("POST", "/v1/import", admin_, R"({"keyline_export":1,"apps":[{"name":"x"}]})").status,
      422);
  auto dup = call("POST", "/v1/import", admin_,
                  import_of({{"same", demo_app("same")}, {"same", demo_app("same")}}));
  EXPECT_EQ(dup.status, 422) << dup.body;
  EXPECT_TRUE(apps_->list()->empty());
  auto empty = call("POST", "/v1/import", admin_, import_of({}));
  EXPECT_EQ(empty.status, 200) << empty.body;
}

}  // namespace
}  // namespace keyline::api
