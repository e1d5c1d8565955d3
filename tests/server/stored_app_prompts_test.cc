// The recorded prompts of an API-stored app, read from a real SQLite database: the prompt
// table's file names pick the uploads (by their last path part); a missing or undecodable
// upload is a problem and that prompt stays out of the table (its text is spoken).
#include "server/stored_app_prompts.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>

#include "store/migrations.h"
#include "store/sqlite_repositories.h"

namespace keyline::server {
namespace {

// A mono 16-bit PCM WAV of `frames` samples at 8 kHz.
std::string wav(int frames) {
  auto le = [](std::uint32_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
    return s;
  };
  std::string data;
  for (int i = 0; i < frames; ++i) data += le(static_cast<std::uint32_t>((i * 331) % 16000), 2);
  return "RIFF" + le(36 + static_cast<std::uint32_t>(data.size()), 4) + "WAVEfmt " + le(16, 4) +
         le(1, 2) + le(1, 2) + le(8000, 4) + le(16000, 4) + le(2, 2) + le(16, 2) + "data" +
         le(static_cast<std::uint32_t>(data.size()), 4) + data;
}

class StoredAppPromptsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/keyline-sap-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto db = store::open_and_migrate(dir_ + "/k.db");
    ASSERT_TRUE(db);
    apps_ = store::make_sqlite_apps(std::shared_ptr<store::Database>(std::move(*db)));
    ASSERT_TRUE(apps_->save_revision("greeter", "{}", "a@example.com", 1));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  flow::AppDocument app(const std::string& prompts) {
    auto parsed = flow::parse_app(
        R"({"name": "greeter", "settings": {"language": "en-US"}, "prompts": )" + prompts +
            R"(, "pages": [{"name": "main", "modules": [
                 {"type": "prompt", "name": "p", "prompt_id": "hello"},
                 {"type": "exit", "name": "done"}]}]})",
        "greeter.json");
    EXPECT_TRUE(parsed) << parsed.error().message;
    return parsed ? *parsed : flow::AppDocument{};
  }

  std::string dir_;
  std::unique_ptr<store::AppRepository> apps_;
};

TEST_F(StoredAppPromptsTest, TableFileNamesPickTheUploads) {
  ASSERT_TRUE(apps_->put_prompt("greeter", "hello.wav", wav(800), 2));
  ASSERT_TRUE(apps_->put_prompt("greeter", "hola.wav", wav(1600), 2));
  auto loaded = load_stored_app_prompts(
      *apps_, "greeter", app(R"({"en-US": {"hello": {"file": "audio/hello.wav", "text": "Hello."}},
              "es": {"hello": {"file": "hola.wav"}}})"));
  EXPECT_TRUE(loaded.problems.empty()) << loaded.problems.front();
  ASSERT_TRUE(loaded.audio);
  EXPECT_EQ(loaded.audio->size(), 2u);
  const auto* en = loaded.audio->find("hello", "en-US");
  const auto* es = loaded.audio->find("hello", "es-MX");
  ASSERT_TRUE(en && es);
  EXPECT_EQ(en->samples, 800u);
  EXPECT_EQ(es->samples, 1600u);
  EXPECT_TRUE(en->for_codec(media::Codec::kPcma));
}

TEST_F(StoredAppPromptsTest, MissingOrBadUploadsAreProblemsAndStayOut) {
  ASSERT_TRUE(apps_->put_prompt("greeter", "broken.wav", "RIFF....WAVE", 2));
  auto loaded = load_stored_app_prompts(
      *apps_, "greeter", app(R"({"en-US": {"hello": {"file": "hello.wav", "text": "Hello."},
                        "bye": {"file": "broken.wav", "text": "Bye."}}})"));
  EXPECT_FALSE(loaded.audio);  // nothing usable: every prompt is spoken
  ASSERT_EQ(loaded.problems.size(), 2u);
  std::string all = loaded.problems[0] + "\n" + loaded.problems[1];
  EXPECT_NE(all.find("no uploaded file 'hello.wav'"), std::string::npos) << all;
  EXPECT_NE(all.find("broken.wav"), std::string::npos) << all;
}

TEST_F(StoredAppPromptsTest, AnAppWhoseTableNamesNoFileReadsNothing) {
  ASSERT_TRUE(apps_->put_prompt("greeter", "hello.wav", wav(800), 2));
  auto loaded = load_stored_app_prompts(*apps_, "greeter", app(R"({"en-US": {"hello": "Hi."}})"));
  EXPECT_FALSE(loaded.audio);
  EXPECT_TRUE(loaded.problems.empty());
}

}  // namespace
}  // namespace keyline::server
