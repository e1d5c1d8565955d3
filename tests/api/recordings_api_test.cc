// /v1/recordings through the real ApiService over SQLite: listing with filters and keyset
// pages, one row, the audio (developer only, audit-logged, 410 once the file is gone) and DELETE
// (removes the file, keeps the row marked deleted, audit-logged).
#include <filesystem>
#include <fstream>

#include "api_fixture.h"

namespace keyline::api {
namespace {

class RecordingsApiTest : public ApiFixture {
 protected:
  // The recordings below are of deployment "dep", the developer's, shared with the viewer: a
  // recording follows its call's sharing (recordings_sharing_api_test.cc has the rest).
  void SetUp() override {
    ApiFixture::SetUp();
    ASSERT_EQ(call("PUT", "/v1/apps/rec", developer_, demo_app("rec")).status, 201);
    ASSERT_EQ(call("POST", "/v1/deployments", developer_,
                   R"({"label":"dep","app":"rec","numbers":["100"]})")
                  .status,
              201);
    share_with_viewer("deployment", "dep");
  }
  std::int64_t add(const std::string& session, const std::string& app, std::int64_t created,
                   bool with_file) {
    store::RecordingRecord r;
    r.session_id = session;
    r.deployment = "dep";
    r.app = app;
    r.path = dir_ + "/" + session + "-call.wav";
    r.channels = "mixed";
    r.duration_s = 2.5;
    r.bytes = 40044;
    r.created_unix_ms = created;
    if (with_file) std::ofstream(r.path, std::ios::binary) << "RIFF-audio-" << session;
    auto id = recordings_->add(r);
    EXPECT_TRUE(id);
    return id ? *id : 0;
  }
  Json body_of(const Response& r) {
    auto j = parse_json(r.body);
    EXPECT_TRUE(j) << r.body;
    return j ? *j : Json();
  }
};

TEST_F(RecordingsApiTest, ListsWithFiltersAndPages) {
  for (int i = 0; i < 3; ++i) add("s" + std::to_string(i), "a", 1000 * (i + 1), false);
  add("x", "b", 5000, false);
  auto r = call("GET", "/v1/recordings", viewer_);
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = body_of(r);
  ASSERT_EQ(j.find("recordings")->as_array().size(), 4u);
  const Json& first = j.find("recordings")->as_array()[0];
  EXPECT_EQ(first.find("session_id")->as_string(), "x");
  EXPECT_EQ(first.find("channels")->as_string(), "mixed");
  EXPECT_EQ(first.find("duration_ms")->as_integer().value_or(0), 2500);
  EXPECT_EQ(first.find("upload_state")->as_string(), "kept");
  EXPECT_TRUE(first.find("uploaded_url")->is_null());
  EXPECT_EQ(first.find("path"), nullptr);  // the server's disk layout is not shown
  EXPECT_EQ(body_of(call("GET", "/v1/recordings", viewer_, "", {{"app", "a"}}))
                .find("recordings")
                ->as_array()
                .size(),
            3u);
  EXPECT_EQ(body_of(call("GET", "/v1/recordings", viewer_, "", {{"session_id", "s1"}}))
                .find("recordings")
                ->as_array()
                .size(),
            1u);
  EXPECT_EQ(body_of(call("GET", "/v1/recordings", viewer_, "", {{"from", "2000"}, {"to", "4000"}}))
                .find("recordings")
                ->as_array()
                .size(),
            2u);
  // Pages of two: the cursor leads to the rest, then to nothing.
  Json page = body_of(call("GET", "/v1/recordings", viewer_, "", {{"limit", "2"}}));
  ASSERT_EQ(page.find("recordings")->as_array().size(), 2u);
  ASSERT_TRUE(page.find("next_cursor")->is_string());
  Json rest = body_of(call("GET", "/v1/recordings", viewer_, "",
                           {{"limit", "2"}, {"cursor", page.find("next_cursor")->as_string()}}));
  ASSERT_EQ(rest.find("recordings")->as_array().size(), 2u);
  EXPECT_EQ(rest.find("recordings")->as_array()[1].find("session_id")->as_string(), "s0");
  EXPECT_EQ(call("GET", "/v1/recordings", viewer_, "", {{"limit", "0"}}).status, 400);
  EXPECT_EQ(call("GET", "/v1/recordings", viewer_, "", {{"cursor", "abc"}}).status, 400);
  EXPECT_EQ(call("GET", "/v1/recordings", viewer_, "", {{"nope", "1"}}).status, 400);
  EXPECT_EQ(call("GET", "/v1/recordings", "").status, 401);
}

TEST_F(RecordingsApiTest, AudioIsForDevelopersAndAudited) {
  const std::int64_t id = add("s1", "a", 1000, true);
  const std::string path = "/v1/recordings/" + std::to_string(id);
  EXPECT_EQ(call("GET", path, viewer_).status, 200);
  EXPECT_EQ(call("GET", path + "/audio", viewer_).status, 403);
  const auto before = audit_->recent(100)->size();
  auto r = call("GET", path + "/audio", developer_);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "audio/wav");
  EXPECT_EQ(r.body, "RIFF-audio-s1");
  auto after = audit_->recent(100);
  ASSERT_EQ(after->size(), before + 1);
  EXPECT_EQ(after->front().action, "recording.download");
  EXPECT_EQ(after->front().target, std::to_string(id));
  EXPECT_EQ(call("GET", "/v1/recordings/999/audio", developer_).status, 404);
  EXPECT_EQ(call("GET", "/v1/recordings/abc", viewer_).status, 404);
}

TEST_F(RecordingsApiTest, DeleteRemovesTheFileKeepsTheRowAndIsAudited) {
  const std::int64_t id = add("s1", "a", 1000, true);
  const std::string path = "/v1/recordings/" + std::to_string(id);
  const std::string file = dir_ + "/s1-call.wav";
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(call("DELETE", path, viewer_).status, 403);
  EXPECT_TRUE(std::filesystem::exists(file));
  const auto before = audit_->recent(100)->size();
  EXPECT_EQ(call("DELETE", path, admin_).status, 204);
  EXPECT_FALSE(std::filesystem::exists(file));
  auto after = audit_->recent(100);
  ASSERT_EQ(after->size(), before + 1);
  EXPECT_EQ(after->front().action, "recording.delete");
  EXPECT_EQ(after->front().actor, "admin@example.com");
  EXPECT_TRUE(body_of(call("GET", path, viewer_)).find("deleted")->as_bool());
  EXPECT_EQ(call("GET", path + "/audio", developer_).status, 410);
  EXPECT_EQ(call("DELETE", "/v1/recordings/999", admin_).status, 404);
}

}  // namespace
}  // namespace keyline::api
