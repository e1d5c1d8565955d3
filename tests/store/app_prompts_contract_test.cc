// Recorded prompt files of stored apps (AppRepository::prompt_*), on SQLite and PostgreSQL.
#include <gtest/gtest.h>

#include "backend_makers.h"

namespace keyline::store {
namespace {

template <class Maker>
class AppPromptsContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Maker::available())
      GTEST_SKIP() << "set KEYLINE_TEST_POSTGRES_URL (tests/integration/pg_store_test.sh does)";
    auto opened = maker_.open();
    ASSERT_TRUE(opened) << opened.error().message;
    backend_ = *opened;
  }
  void TearDown() override {
    backend_.reset();
    maker_.close();
  }

  Maker maker_;
  std::shared_ptr<Backend> backend_;
};

struct MakerName {
  template <class T>
  static std::string GetName(int) {
    return T::kName;
  }
};

using Makers = ::testing::Types<SqliteMaker, PostgresMaker>;
TYPED_TEST_SUITE(AppPromptsContract, Makers, MakerName);

TYPED_TEST(AppPromptsContract, BinaryFilesRoundTripAndGoWithTheirApp) {
  auto apps = this->backend_->apps();
  ASSERT_TRUE(apps->save_revision("ivr", "{}", "a@example.com", 1000));
  // Every byte value, NUL and 0xff included: audio is binary.
  std::string audio;
  for (int i = 0; i < 512; ++i) audio.push_back(static_cast<char>(i & 0xff));
  auto created = apps->put_prompt("ivr", "b.wav", audio, 2000);
  ASSERT_TRUE(created) << created.error().message;
  EXPECT_TRUE(*created);
  ASSERT_TRUE(apps->put_prompt("ivr", "a.wav", "x", 2500));
  auto got = apps->prompt_audio("ivr", "b.wav");
  ASSERT_TRUE(got && got->has_value());
  EXPECT_EQ(**got, audio);

  auto replaced = apps->put_prompt("ivr", "b.wav", audio + audio, 3000);
  ASSERT_TRUE(replaced) << replaced.error().message;
  EXPECT_FALSE(*replaced);
  auto files = apps->prompt_files("ivr");
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].file, "a.wav");  // sorted by name
  EXPECT_EQ((*files)[1].file, "b.wav");
  EXPECT_EQ((*files)[1].bytes, 1024);
  EXPECT_EQ((*files)[1].updated_unix_ms, 3000);

  auto absent = apps->prompt_audio("ivr", "c.wav");
  ASSERT_TRUE(absent);
  EXPECT_FALSE(absent->has_value());
  EXPECT_FALSE(apps->put_prompt("nope", "a.wav", "x", 1));  // no such app: refused
  auto removed = apps->remove_prompt("ivr", "a.wav");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  EXPECT_FALSE(*apps->remove_prompt("ivr", "a.wav"));

  ASSERT_TRUE(apps->remove("ivr"));
  ASSERT_TRUE(apps->save_revision("ivr", "{}", "a@example.com", 4000));
  EXPECT_TRUE(apps->prompt_files("ivr")->empty());  // the delete took its files along
}

}  // namespace
}  // namespace keyline::store
