// WavFileWriter: incremental writing, header fix-up, and removal of the
// half-written file when the disk refuses a write.
#include "media/wav_writer.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>

#include <filesystem>
#include <vector>

#include "media/wav.h"
#include "recording_fixture.h"

namespace keyline::media {
namespace {

using WavWriterTest = testing::RecordingDir;

TEST_F(WavWriterTest, ManyAppendsReadBackWhole) {
  const std::string path = file("long.wav");
  auto w = WavFileWriter::create(path, 1, 8000);
  ASSERT_TRUE(w);
  std::vector<std::int16_t> chunk(160);
  // Enough to pass the internal buffer several times.
  for (int n = 0; n < 1000; ++n) {
    for (std::size_t i = 0; i < chunk.size(); ++i)
      chunk[i] = static_cast<std::int16_t>(n * 3 - static_cast<int>(i));
    ASSERT_TRUE(w->append(chunk));
  }
  EXPECT_EQ(w->frames(), 160000u);
  ASSERT_TRUE(w->finish());
  EXPECT_FALSE(w->open());
  auto wav = read_wav(path);
  ASSERT_TRUE(wav);
  ASSERT_EQ(wav->samples.size(), 160000u);
  EXPECT_EQ(wav->samples[999 * 160 + 5], static_cast<std::int16_t>(999 * 3 - 5));
  EXPECT_EQ(mode_of(path), 0600u);
}

TEST_F(WavWriterTest, DroppedWriterStillFinishesTheFile) {
  const std::string path = file("dropped.wav");
  {
    auto w = WavFileWriter::create(path, 2, 8000);
    ASSERT_TRUE(w);
    std::vector<std::int16_t> s(320, 7);
    ASSERT_TRUE(w->append(s));
  }
  auto wav = read_wav(path);
  ASSERT_TRUE(wav);
  EXPECT_EQ(wav->channels, 2);
  EXPECT_EQ(wav->samples.size(), 320u);
}

// A file size limit makes write(2) fail with EFBIG (SIGXFSZ ignored), which
// is how a full disk looks to the writer: the file must be gone afterwards.
TEST_F(WavWriterTest, WriteErrorRemovesTheFile) {
  const std::string path = file("full.wav");
  rlimit old{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old), 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  rlimit small = old;
  small.rlim_cur = 100 * 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  auto w = WavFileWriter::create(path, 1, 8000);
  bool failed = false;
  if (w) {
    std::vector<std::int16_t> chunk(8000, 100);
    for (int n = 0; n < 20 && !failed; ++n) failed = !w->append(chunk);
    if (!failed) failed = !w->finish();
  }
  ::setrlimit(RLIMIT_FSIZE, &old);
  ::signal(SIGXFSZ, old_handler);
  ASSERT_TRUE(w);
  EXPECT_TRUE(failed);
  EXPECT_FALSE(w->open());
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(w->append(std::vector<std::int16_t>(10)));
}

TEST_F(WavWriterTest, RejectsBadFormats) {
  EXPECT_FALSE(WavFileWriter::create(file("a.wav"), 3, 8000));
  EXPECT_FALSE(WavFileWriter::create(file("b.wav"), 1, 0));
}

}  // namespace
}  // namespace keyline::media
