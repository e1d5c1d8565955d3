#include "speech/prompt_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "media/wav.h"

namespace keyline::speech {
namespace {

namespace fs = std::filesystem;

class PromptTableTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("keyline_ptable_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A WAV of `n` samples of value `v`, so tests can tell files apart by length.
  std::string wav(const std::string& rel, std::size_t n, std::int16_t v = 1000) {
    const auto p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::vector<std::int16_t> s(n, v);
    EXPECT_TRUE(media::write_wav(p.string(), s, 8000).ok());
    return p.string();
  }
  std::string raw(const std::string& rel, std::vector<std::uint8_t> bytes) {
    const auto p = dir_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    return p.string();
  }
  static std::string all(const std::vector<PromptProblem>& problems) {
    std::string out;
    for (const auto& p : problems) out += p.message + "\n";
    return out;
  }

  fs::path dir_;
};

TEST_F(PromptTableTest, FolderImportFindsEveryLanguageAndId) {
  wav("p/en-US/welcome.wav", 320);
  wav("p/en-US/goodbye.wav", 480);
  raw("p/es/welcome.ul", std::vector<std::uint8_t>(800, 0xFF));
  std::vector<PromptProblem> problems;
  auto files = PromptAudioTable::scan_folder((dir_ / "p").string(), problems);
  EXPECT_TRUE(problems.empty()) << all(problems);
  ASSERT_EQ(files.size(), 3u);
  auto table = PromptAudioTable::load(files, problems);
  EXPECT_TRUE(problems.empty()) << all(problems);
  EXPECT_EQ(table.size(), 3u);
  ASSERT_TRUE(table.find("welcome", "en-US"));
  EXPECT_EQ(table.find("welcome", "en-US")->samples, 320u);
  EXPECT_EQ(table.find("welcome", "en-gb")->samples, 320u);  // same primary language
  EXPECT_EQ(table.find("welcome", "es-MX")->samples, 800u);
  EXPECT_EQ(table.find("goodbye", "es"), nullptr);  // the host falls back to TTS
  EXPECT_TRUE(table.has_id("goodbye"));
  EXPECT_FALSE(table.has_id("nothing"));
  EXPECT_EQ(table.find("welcome", "en-US")->for_codec(media::Codec::kPcma)->frames.size(), 2u);
}

TEST_F(PromptTableTest, FolderProblemsAreReportedAndSkipped) {
  wav("p/en/ok.wav", 160);
  raw("p/en/notes.txt", {'h', 'i'});
  wav("p/en/dup.wav", 160);
  raw("p/en/dup.ul", {0xFF, 0xFF});
  raw("p/en/bad name.ul", {0xFF});
  std::vector<PromptProblem> problems;
  auto files = PromptAudioTable::scan_folder((dir_ / "p").string(), problems);
  const auto text = all(problems);
  EXPECT_NE(text.find("notes.txt: not an audio prompt"), std::string::npos) << text;
  EXPECT_NE(text.find("dup.wav: prompt 'dup' also has"), std::string::npos) << text;
  EXPECT_NE(text.find("bad name.ul: the file name is not a prompt id"), std::string::npos) << text;
  EXPECT_EQ(files.size(), 2u);  // dup.ul (sorted first) and ok.wav

  problems.clear();
  PromptAudioTable::scan_folder((dir_ / "missing").string(), problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("prompts folder not found"), std::string::npos);
}

TEST_F(PromptTableTest, BrokenFilesAreProblemsWithTheirPosition) {
  const auto good = wav("a/good.wav", 160);
  std::vector<PromptFile> files = {
      {"en-US", "good", good, 3, 7},
      {"en-US", "gone", (dir_ / "a/gone.wav").string(), 4, 9},
      {"en-US", "cut", raw("a/cut.l16", {1, 2, 3}), 5, 11},
  };
  std::vector<PromptProblem> problems;
  auto table = PromptAudioTable::load(files, problems);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].line, 4);
  EXPECT_EQ(problems[0].column, 9);
  EXPECT_NE(problems[0].message.find("gone.wav: no such file"), std::string::npos);
  EXPECT_NE(problems[1].message.find("cut.l16: odd number of bytes"), std::string::npos);
  EXPECT_TRUE(table.find("good", "en-US"));
  EXPECT_FALSE(table.has_id("gone"));
}

TEST_F(PromptTableTest, LaterEntriesReplaceEarlierOnes) {
  std::vector<PromptFile> files = {{"en-US", "w", wav("f/w.wav", 160), 0, 0},
                                   {"EN-us", "w", wav("d/w.wav", 640), 2, 3}};
  std::vector<PromptProblem> problems;
  auto table = PromptAudioTable::load(files, problems);
  EXPECT_EQ(table.size(), 1u);
  EXPECT_EQ(table.find("w", "en-US")->samples, 640u);
}

}  // namespace
}  // namespace keyline::speech
