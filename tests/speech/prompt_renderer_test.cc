#include "speech/prompt_renderer.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace keyline::speech {
namespace {

// A fake engine: one sample per character, so tests can tell renderings apart.
class CountingEngine final : public TtsEngine {
 public:
  explicit CountingEngine(int* calls) : calls_(calls) {}
  Result<Audio> synthesize(std::string_view text) override {
    ++*calls_;
    Audio audio;
    audio.samples.assign(text.size() * 160, 1000);
    return audio;
  }
  std::string_view name() const override { return "counting"; }

 private:
  int* calls_;
};

class PromptRendererTest : public ::testing::Test {
 protected:
  SharedPrompt render_and_wait(PromptRenderer& renderer, const std::string& text, bool is_private) {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    SharedPrompt result;
    renderer.render(text, is_private, media::Codec::kPcmu, [&](Result<SharedPrompt> r) {
      std::lock_guard lock(m);
      if (r) result = *r;
      done = true;
      cv.notify_all();
    });
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
    return result;
  }
  int calls_ = 0;
};

TEST_F(PromptRendererTest, PublicPromptsAreRenderedOnceAndShared) {
  PromptRenderer renderer(std::make_unique<CountingEngine>(&calls_), 8);
  auto first = render_and_wait(renderer, "Welcome", false);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->frames.size(), 7u);
  EXPECT_EQ(renderer.cached("Welcome", media::Codec::kPcmu), first);
  auto second = render_and_wait(renderer, "Welcome", false);
  EXPECT_EQ(second, first);
  EXPECT_EQ(calls_, 1);
  EXPECT_EQ(renderer.cached("Welcome", media::Codec::kPcma), nullptr);  // per codec
}

TEST_F(PromptRendererTest, PrivatePromptsAreNeverCached) {
  PromptRenderer renderer(std::make_unique<CountingEngine>(&calls_), 8);
  ASSERT_TRUE(render_and_wait(renderer, "You entered 1 2 3 4", true));
  EXPECT_EQ(renderer.cached("You entered 1 2 3 4", media::Codec::kPcmu), nullptr);
  EXPECT_EQ(renderer.cache_size(), 0u);
}

TEST_F(PromptRendererTest, SensitiveLookingTextIsNotCachedEvenIfUnmarked) {
  PromptRenderer renderer(std::make_unique<CountingEngine>(&calls_), 8);
  ASSERT_TRUE(render_and_wait(renderer, "Your card 4111111111111111 is on file", false));
  EXPECT_EQ(renderer.cache_size(), 0u);
}

TEST_F(PromptRendererTest, CacheEvictsLeastRecentlyUsed) {
  PromptRenderer renderer(std::make_unique<CountingEngine>(&calls_), 2);
  render_and_wait(renderer, "a", false);
  render_and_wait(renderer, "b", false);
  ASSERT_TRUE(renderer.cached("a", media::Codec::kPcmu));  // touch a
  render_and_wait(renderer, "c", false);                   // evicts b
  EXPECT_TRUE(renderer.cached("a", media::Codec::kPcmu));
  EXPECT_FALSE(renderer.cached("b", media::Codec::kPcmu));
  EXPECT_TRUE(renderer.cached("c", media::Codec::kPcmu));
}

}  // namespace
}  // namespace keyline::speech
