// Prompt files in GET /v1/export and POST /v1/import (export_routes.cc): each app's recorded
// prompts travel with it (manifest: file, bytes, sha256, updated; the audio as base64) and come
// back byte for byte; a damaged, oversized or unplayable file, or a bad name, refuses the whole
// import and writes nothing. tests/integration/export_prompts_test.sh runs `keyline export` /
// `keyline import` with the files on disk and a fresh database.
#include <cstdint>
#include <span>
#include <string>

#include "api/prompt_files.h"
#include "api_fixture.h"
#include "base/base64.h"

namespace keyline::api {
namespace {

// A RIFF WAVE file of mono 16-bit PCM: `frames` samples of a ramp at `rate`.
std::string wav(int rate, int frames) {
  std::string data;
  for (int i = 0; i < frames; ++i) {
    const auto v = static_cast<std::int16_t>((i * 97) % 20000 - 10000);
    data.push_back(static_cast<char>(v & 0xff));
    data.push_back(static_cast<char>((v >> 8) & 0xff));
  }
  auto le = [](std::uint32_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return s;
  };
  return "RIFF" + le(36 + static_cast<std::uint32_t>(data.size()), 4) + "WAVEfmt " + le(16, 4) +
         le(1, 2) + le(1, 2) + le(rate, 4) + le(rate * 2, 4) + le(2, 2) + le(16, 2) + "data" +
         le(static_cast<std::uint32_t>(data.size()), 4) + data;
}

std::string b64(const std::string& bytes) {
  return base64_encode(
      std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

class ExportPromptsTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ASSERT_EQ(call("PUT", "/v1/apps/ivr", developer_, demo_app("ivr")).status, 201);
    ASSERT_EQ(upload("welcome.wav", welcome_).status, 201);
    ASSERT_EQ(upload("menu.wav", menu_).status, 201);
  }
  Response upload(const std::string& file, const std::string& body) {
    Request r;
    r.method = "PUT";
    r.path = "/v1/apps/ivr/prompts/" + file;
    r.authorization = "Bearer " + developer_;
    r.body = body;
    r.content_type = "audio/wav";
    return service_->handle(r);
  }
  // The export, with the app and its prompts then deleted: an import has to bring them back.
  Json export_and_clear() {
    auto exported = call("GET", "/v1/export", admin_);
    EXPECT_EQ(exported.status, 200) << exported.body;
    auto doc = parse_json(exported.body, 64);
    EXPECT_TRUE(doc);
    EXPECT_EQ(call("DELETE", "/v1/apps/ivr", admin_).status, 204);
    EXPECT_TRUE(apps_->prompt_files("ivr")->empty());
    return doc ? *doc : Json();
  }
  static Json& prompt(Json& doc, std::size_t i) {
    Json& app =
        doc.as_object()[2].second.as_array()[0];  // "apps": after "keyline_export", "exported"
    for (auto& [key, value] : app.as_object())
      if (key == "prompts") return value.as_array()[i];
    ADD_FAILURE() << "no prompts";
    return app;
  }
  static void replace(Json& object, const std::string& key, Json value) {
    for (auto& [k, v] : object.as_object())
      if (k == key) v = std::move(value);
  }
  void expect_nothing_written(const Response& r, const std::string& detail) {
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find(detail), std::string::npos) << r.body;
    EXPECT_TRUE(apps_->list()->empty());
    EXPECT_TRUE(apps_->prompt_files("ivr")->empty());
  }

  const std::string welcome_ = wav(8000, 800);
  const std::string menu_ = wav(16000, 3200);
};

TEST_F(ExportPromptsTest, ARoundTripBringsBackThePromptBytes) {
  auto exported = call("GET", "/v1/export", admin_);
  Json doc = export_and_clear();
  ASSERT_EQ(doc.find("apps")->as_array().size(), 1u);
  const auto& prompts = doc.find("apps")->as_array()[0].find("prompts")->as_array();
  ASSERT_EQ(prompts.size(), 2u);
  EXPECT_EQ(prompts[0].find("file")->as_string(), "menu.wav");  // sorted by name
  EXPECT_EQ(prompts[0].find("bytes")->as_integer().value_or(0),
            static_cast<std::int64_t>(menu_.size()));
  EXPECT_EQ(prompts[0].find("sha256")->as_string(), sha256_hex(menu_));
  EXPECT_EQ(prompts[1].find("sha256")->as_string(), sha256_hex(welcome_));
  // A known vector, so the checksum is SHA-256 and not some other hash.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

  auto imported = call("POST", "/v1/import", admin_, exported.body);
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_NE(imported.body.find("\"prompts\":2"), std::string::npos) << imported.body;
  auto got = call("GET", "/v1/apps/ivr/prompts/welcome.wav", developer_);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, welcome_);
  EXPECT_EQ(call("GET", "/v1/apps/ivr/prompts/menu.wav", developer_).body, menu_);
  EXPECT_EQ(call("GET", "/v1/export", admin_).body, exported.body)
      << "the import restored exactly what was exported, prompt times too";
  EXPECT_NE(audit_->recent(1)->front().detail.find("2 prompt files"), std::string::npos);
}

TEST_F(ExportPromptsTest, ADamagedFileFailsItsChecksumAndNothingIsWritten) {
  Json doc = export_and_clear();
  std::string damaged = menu_;
  damaged[100] ^= 0x55;  // still a playable WAV: only the checksum tells
  replace(prompt(doc, 0), "audio", Json(b64(damaged)));
  expect_nothing_written(call("POST", "/v1/import", admin_, doc.dump()),
                         "'menu.wav': the checksum does not match");
}

TEST_F(ExportPromptsTest, AnOversizedFileIsRefusedAndNothingIsWritten) {
  Json doc = export_and_clear();
  const std::string big = wav(8000, static_cast<int>(kMaxPromptBytes / 2) + 10);
  ASSERT_GT(big.size(), kMaxPromptBytes);
  replace(prompt(doc, 1), "audio", Json(b64(big)));
  replace(prompt(doc, 1), "sha256", Json(sha256_hex(big)));
  expect_nothing_written(call("POST", "/v1/import", admin_, doc.dump()), "larger than 1048576");
}

TEST_F(ExportPromptsTest, AFileThatWouldNotPlayIsRefusedAndNothingIsWritten) {
  Json doc = export_and_clear();
  const std::string text = "this is not audio";
  replace(prompt(doc, 0), "audio", Json(b64(text)));
  replace(prompt(doc, 0), "sha256", Json(sha256_hex(text)));
  replace(prompt(doc, 0), "bytes", Json(static_cast<std::int64_t>(text.size())));
  expect_nothing_written(call("POST", "/v1/import", admin_, doc.dump()), "'menu.wav': ");
}

TEST_F(ExportPromptsTest, BadNamesMissingAudioAndWrongSizesAreRefused) {
  Json doc = export_and_clear();
  Json bad_name = doc;
  replace(prompt(bad_name, 0), "file", Json("../escape.wav"));
  expect_nothing_written(call("POST", "/v1/import", admin_, bad_name.dump()),
                         "a plain file name ending .wav");
  Json twice = doc;
  replace(prompt(twice, 1), "file", Json("menu.wav"));
  expect_nothing_written(call("POST", "/v1/import", admin_, twice.dump()), "appears twice");
  Json no_audio = doc;
  auto& fields = prompt(no_audio, 0).as_object();
  fields.erase(std::remove_if(fields.begin(), fields.end(),
                              [](const auto& kv) { return kv.first == "audio"; }),
               fields.end());
  expect_nothing_written(call("POST", "/v1/import", admin_, no_audio.dump()),
                         "required: the file's bytes");
  Json wrong_size = doc;
  replace(prompt(wrong_size, 0), "bytes", Json(std::int64_t{3}));
  expect_nothing_written(call("POST", "/v1/import", admin_, wrong_size.dump()),
                         "not the file's size");
  Json not_base64 = doc;
  replace(prompt(not_base64, 0), "audio", Json("***"));
  expect_nothing_written(call("POST", "/v1/import", admin_, not_base64.dump()), "not base64");
}

}  // namespace
}  // namespace keyline::api
