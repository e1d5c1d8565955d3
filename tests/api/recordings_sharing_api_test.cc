// Recordings follow their call's sharing (recording_routes.cc, call_access.h): the owner of the
// deployment, a user it is shared with and a member of a team it is shared with see its
// recordings; a stranger gets 404 and an empty list; a viewer reads metadata but neither
// downloads nor deletes (403); an admin sees every recording, config-file deployments' too.
// tests/integration/recordings_sharing_test.sh runs the same over real HTTPS.
#include <filesystem>
#include <fstream>
#include <set>

#include "api_fixture.h"

namespace keyline::api {
namespace {

class RecordingsSharingApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ann_ = key("ann@example.com", store::Role::kDeveloper);  // owns deployment "main"
    bob_ = key("bob@example.com", store::Role::kDeveloper);  // in ann's team
    vic_ = key("vic@example.com", store::Role::kViewer);     // "main" shared with him
    eve_ = key("eve@example.com", store::Role::kDeveloper);  // a stranger to "main"
    ASSERT_EQ(call("PUT", "/v1/apps/support", ann_, demo_app("support")).status, 201);
    ASSERT_EQ(call("POST", "/v1/deployments", ann_,
                   R"({"label":"main","app":"support","numbers":["100"]})")
                  .status,
              201);
    ASSERT_EQ(call("PUT", "/v1/apps/eves", eve_, demo_app("eves")).status, 201);
    ASSERT_EQ(
        call("POST", "/v1/deployments", eve_, R"({"label":"other","app":"eves","numbers":["200"]})")
            .status,
        201);
    ASSERT_EQ(
        call("POST", "/v1/teams", ann_, R"({"name":"support-team","members":["bob@example.com"]})")
            .status,
        201);
    ASSERT_EQ(call("PUT", "/v1/deployments/main/shares/teams/support-team", ann_).status, 204);
    ASSERT_EQ(call("PUT", "/v1/deployments/main/shares/users/vic@example.com", ann_).status, 204);
    main_ = add("call-main", "main", "support");
    main2_ = add("call-main-2", "main", "support");
    other_ = add("call-other", "other", "eves");
    config_ = add("call-config", "demo", "demo");  // a config-file deployment: admins only
  }

  std::int64_t add(const std::string& session, const std::string& deployment,
                   const std::string& app) {
    store::RecordingRecord r;
    r.session_id = session;
    r.deployment = deployment;
    r.app = app;
    r.path = dir_ + "/" + session + ".wav";
    r.channels = "mixed";
    r.duration_s = 1;
    r.bytes = 12;
    r.created_unix_ms = 1000;
    std::ofstream(r.path, std::ios::binary) << "RIFF-" << session;
    auto id = recordings_->add(r);
    EXPECT_TRUE(id);
    return id ? *id : 0;
  }

  std::set<std::string> listed(const std::string& key) {
    auto r = call("GET", "/v1/recordings", key);
    EXPECT_EQ(r.status, 200) << r.body;
    std::set<std::string> out;
    auto doc = parse_json(r.body);
    if (!doc) return out;
    for (const auto& rec : doc->find("recordings")->as_array())
      out.insert(rec.find("session_id")->as_string());
    return out;
  }

  static std::string path(std::int64_t id) { return "/v1/recordings/" + std::to_string(id); }

  std::string ann_, bob_, vic_, eve_;
  std::int64_t main_ = 0, main2_ = 0, other_ = 0, config_ = 0;
};

TEST_F(RecordingsSharingApiTest, ListsShowOnlyTheRecordingsOfCallsTheCallerMayRead) {
  const std::set<std::string> mains{"call-main", "call-main-2"};
  EXPECT_EQ(listed(ann_), mains);
  EXPECT_EQ(listed(bob_), mains);
  EXPECT_EQ(listed(vic_), mains);
  EXPECT_EQ(listed(eve_), std::set<std::string>{"call-other"});
  EXPECT_EQ(listed(developer_), std::set<std::string>{});
  EXPECT_EQ(listed(admin_),
            (std::set<std::string>{"call-main", "call-main-2", "call-other", "call-config"}));
  // Pages stay full: the filter is in the query, not applied to a page afterwards.
  auto page = parse_json(call("GET", "/v1/recordings", ann_, "", {{"limit", "1"}}).body);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->find("recordings")->as_array().size(), 1u);
  auto rest = parse_json(call("GET", "/v1/recordings", ann_, "",
                              {{"limit", "1"}, {"cursor", page->find("next_cursor")->as_string()}})
                             .body);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->find("recordings")->as_array().size(), 1u);
  EXPECT_EQ(rest->find("recordings")->as_array()[0].find("session_id")->as_string(), "call-main");
}

TEST_F(RecordingsSharingApiTest, OneRecordingAndItsAudioFollowTheCall) {
  for (const auto* who : {&ann_, &bob_, &vic_, &admin_})
    EXPECT_EQ(call("GET", path(main_), *who).status, 200);
  EXPECT_EQ(call("GET", path(main_), eve_).status, 404);  // as another's call: it does not exist
  EXPECT_EQ(call("GET", path(main_) + "/audio", eve_).status, 404);
  EXPECT_EQ(call("GET", path(config_), ann_).status, 404);
  EXPECT_EQ(call("GET", path(config_), admin_).status, 200);
  auto owner = call("GET", path(main_) + "/audio", ann_);
  EXPECT_EQ(owner.status, 200);
  EXPECT_EQ(owner.body, "RIFF-call-main");
  EXPECT_EQ(call("GET", path(main_) + "/audio", bob_).status, 200);     // through the team
  EXPECT_EQ(call("GET", path(main_) + "/audio", vic_).status, 403);     // a viewer: metadata only
  EXPECT_EQ(call("GET", path(other_) + "/audio", admin_).status, 200);  // admins: everything
}

TEST_F(RecordingsSharingApiTest, DeletingNeedsTheCallAndAWritingRole) {
  const std::string file = dir_ + "/call-main.wav";
  EXPECT_EQ(call("DELETE", path(main_), eve_).status, 404);
  EXPECT_EQ(call("DELETE", path(main_), vic_).status, 403);
  EXPECT_EQ(call("DELETE", path(main_), developer_).status, 404);
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(call("DELETE", path(main_), bob_).status, 204);  // a developer in the team
  EXPECT_FALSE(std::filesystem::exists(file));
  EXPECT_EQ(call("DELETE", path(main2_), ann_).status, 204);
  EXPECT_EQ(call("DELETE", path(config_), ann_).status, 404);
  EXPECT_EQ(call("DELETE", path(config_), admin_).status, 204);
  // Unshared, the team member loses the recordings with the call logs.
  ASSERT_EQ(call("DELETE", "/v1/deployments/main/shares/teams/support-team", ann_).status, 204);
  EXPECT_EQ(call("GET", path(main_), bob_).status, 404);
  EXPECT_EQ(listed(bob_), std::set<std::string>{});
}

}  // namespace
}  // namespace keyline::api
