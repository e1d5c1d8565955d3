// Recorded prompt audio of stored apps: /v1/apps/{name}/prompts[/{file}] (app_prompt_routes.cc).
#include <cstdint>
#include <string>

#include "api_fixture.h"

namespace keyline::api {
namespace {

// A RIFF WAVE file of 16-bit PCM: `channels` interleaved, `frames` sample frames of a ramp.
std::string wav(int channels, int rate, int frames) {
  std::string data;
  for (int i = 0; i < frames * channels; ++i) {
    const auto v = static_cast<std::int16_t>((i * 97) % 20000 - 10000);
    data.push_back(static_cast<char>(v & 0xff));
    data.push_back(static_cast<char>((v >> 8) & 0xff));
  }
  auto le = [](std::uint32_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return s;
  };
  std::string out = "RIFF" + le(36 + static_cast<std::uint32_t>(data.size()), 4) + "WAVEfmt " +
                    le(16, 4) + le(1, 2) + le(channels, 2) + le(rate, 4) +
                    le(rate * channels * 2, 4) + le(channels * 2, 2) + le(16, 2) + "data" +
                    le(static_cast<std::uint32_t>(data.size()), 4);
  return out + data;
}

class AppPromptsApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ASSERT_EQ(call("PUT", "/v1/apps/ivr", developer_, demo_app("ivr")).status, 201);
  }
  Response upload(const std::string& key, const std::string& path, const std::string& body,
                  const std::string& type = "audio/wav") {
    Request r;
    r.method = "PUT";
    r.path = path;
    r.authorization = "Bearer " + key;
    r.body = body;
    r.content_type = type;
    return service_->handle(r);
  }
  std::size_t stored_files() {
    auto files = apps_->prompt_files("ivr");
    EXPECT_TRUE(files);
    return files ? files->size() : 0;
  }
};

TEST_F(AppPromptsApiTest, UploadListDownloadReplaceDelete) {
  const std::string audio = wav(1, 8000, 800);
  const auto before = audit_->recent(100)->size();
  const int changes = routing_changes_;
  auto r = upload(developer_, "/v1/apps/ivr/prompts/welcome.wav", audio);
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(routing_changes_, changes + 1);  // deployments pick the audio up
  auto j = parse_json(r.body);
  ASSERT_TRUE(j);
  EXPECT_EQ(j->find("file")->as_string(), "welcome.wav");
  EXPECT_EQ(j->find("bytes")->as_integer().value_or(0), static_cast<std::int64_t>(audio.size()));

  auto list = call("GET", "/v1/apps/ivr/prompts", developer_);
  ASSERT_EQ(list.status, 200) << list.body;
  auto lj = parse_json(list.body);
  ASSERT_TRUE(lj);
  ASSERT_EQ(lj->find("prompts")->as_array().size(), 1u);
  EXPECT_EQ(lj->find("prompts")->as_array()[0].find("file")->as_string(), "welcome.wav");

  auto got = call("GET", "/v1/apps/ivr/prompts/welcome.wav", developer_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.content_type, "audio/wav");
  EXPECT_EQ(got.body, audio);  // byte for byte, NULs included

  const std::string longer = wav(1, 16000, 3200);
  EXPECT_EQ(upload(developer_, "/v1/apps/ivr/prompts/welcome.wav", longer).status, 200);
  EXPECT_EQ(call("GET", "/v1/apps/ivr/prompts/welcome.wav", developer_).body, longer);

  auto del = call("DELETE", "/v1/apps/ivr/prompts/welcome.wav", developer_);
  EXPECT_EQ(del.status, 204);
  EXPECT_EQ(call("DELETE", "/v1/apps/ivr/prompts/welcome.wav", developer_).status, 404);
  EXPECT_EQ(call("GET", "/v1/apps/ivr/prompts/welcome.wav", developer_).status, 404);

  auto audit = audit_->recent(100);
  ASSERT_EQ(audit->size(), before + 3);
  EXPECT_EQ((*audit)[2].action, "app.prompt.create");
  EXPECT_EQ((*audit)[1].action, "app.prompt.update");
  EXPECT_EQ((*audit)[0].action, "app.prompt.delete");
  EXPECT_EQ((*audit)[0].target, "ivr");
  EXPECT_EQ((*audit)[0].detail, "welcome.wav");
}

TEST_F(AppPromptsApiTest, BadUploadsAreProblemsAndWriteNothing) {
  const auto before = audit_->recent(100)->size();
  const std::string good = wav(1, 8000, 800);
  // Stereo, a bad sample rate, not a WAV at all, a truncated header: the player's own reader says
  // no.
  for (const std::string& body : {wav(2, 8000, 800), wav(1, 4000, 800),
                                  std::string("not audio at all"), good.substr(0, 30)}) {
    auto r = upload(developer_, "/v1/apps/ivr/prompts/bad.wav", body);
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find("invalid-audio"), std::string::npos);
  }
  EXPECT_EQ(upload(developer_, "/v1/apps/ivr/prompts/a.wav", good, "text/plain").status, 415);
  EXPECT_EQ(upload(developer_, "/v1/apps/ivr/prompts/a.mp3", good).status, 400);
  EXPECT_EQ(upload(developer_, "/v1/apps/ivr/prompts/.hidden.wav", good).status, 400);
  EXPECT_EQ(upload(developer_, "/v1/apps/ivr/prompts/a%2F..%2Fb.wav", good).status, 400);
  EXPECT_EQ(upload(developer_, "/v1/apps/ivr/prompts/big.wav", wav(1, 8000, 600000)).status, 413);
  EXPECT_EQ(upload(developer_, "/v1/apps/nope/prompts/a.wav", good).status, 404);
  EXPECT_EQ(stored_files(), 0u);
  EXPECT_EQ(audit_->recent(100)->size(), before);
}

TEST_F(AppPromptsApiTest, AccessFollowsTheApp) {
  const std::string good = wav(1, 8000, 800);
  ASSERT_EQ(upload(developer_, "/v1/apps/ivr/prompts/a.wav", good).status, 201);
  // The viewer may not write at all; the app is not shared with them, so it is hidden.
  EXPECT_EQ(call("GET", "/v1/apps/ivr/prompts", viewer_).status, 404);
  EXPECT_EQ(call("GET", "/v1/apps/ivr/prompts/a.wav", viewer_).status, 404);
  EXPECT_EQ(upload(viewer_, "/v1/apps/ivr/prompts/b.wav", good).status, 403);
  share_with_viewer("app", "ivr");
  EXPECT_EQ(call("GET", "/v1/apps/ivr/prompts", viewer_).status, 200);
  EXPECT_EQ(call("GET", "/v1/apps/ivr/prompts/a.wav", viewer_).status, 200);
  // Another developer: hidden until shared, then may write (a shared developer edits).
  const std::string other = key("other@example.com", store::Role::kDeveloper);
  EXPECT_EQ(upload(other, "/v1/apps/ivr/prompts/b.wav", good).status, 404);
  EXPECT_EQ(call("DELETE", "/v1/apps/ivr/prompts/a.wav", other).status, 404);
  ASSERT_TRUE(teams_->share({"app", "ivr", "user", "other@example.com", 1}));
  EXPECT_EQ(upload(other, "/v1/apps/ivr/prompts/b.wav", good).status, 201);
  EXPECT_EQ(upload(admin_, "/v1/apps/ivr/prompts/c.wav", good).status, 201);
  EXPECT_EQ(stored_files(), 3u);
}

TEST_F(AppPromptsApiTest, DeletingTheAppDeletesItsPrompts) {
  ASSERT_EQ(upload(developer_, "/v1/apps/ivr/prompts/a.wav", wav(1, 8000, 800)).status, 201);
  ASSERT_EQ(call("DELETE", "/v1/apps/ivr", developer_).status, 204);
  ASSERT_EQ(call("PUT", "/v1/apps/ivr", developer_, demo_app("ivr")).status, 201);
  EXPECT_EQ(stored_files(), 0u);  // a new app of the same name starts without them
}

}  // namespace
}  // namespace keyline::api
