#include "speech/tts_cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>

#include "speech/prompt_renderer.h"
#include "speech/tts_cache_key.h"

namespace keyline::speech {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;

// n frames of PCMU whose bytes are all `fill`.
SharedPrompt prompt_of(std::size_t frames, std::uint8_t fill = 0x55) {
  auto p = std::make_shared<media::EncodedPrompt>();
  for (std::size_t i = 0; i < frames; ++i) p->frames.append(fill);
  return p;
}

std::string hash_of(std::string_view text) {
  return tts_cache_hash({"flite", "kal", 1.0, text, media::Codec::kPcmu, ""});
}

class TtsCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::path(::testing::TempDir()) /
           ("keyline_ttscache_" + std::string(info->name()) + "_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    clock_->set_wall(std::chrono::system_clock::now());
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<TtsCache> open_disk(std::uint64_t max_bytes = 1 << 20) {
    TtsCacheConfig c;
    c.disk_dir = (dir_ / "cache").string();
    c.disk_max_bytes = max_bytes;
    c.disk_ttl = hours(24);
    auto cache = TtsCache::open(c, clock_);
    EXPECT_TRUE(cache.ok()) << cache.error().message;
    return std::move(cache).value();
  }
  std::vector<fs::path> files() {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_ / "cache")) out.push_back(e.path());
    return out;
  }
  // Every byte the disk tier holds, for scanning.
  std::string disk_contents() {
    std::string all;
    for (const auto& f : files()) {
      std::ifstream in(f, std::ios::binary);
      all += f.filename().string();
      all.append(std::istreambuf_iterator<char>(in), {});
    }
    return all;
  }

  fs::path dir_;
  std::shared_ptr<ManualClock> clock_ = std::make_shared<ManualClock>();
};

TEST(TtsCacheKey, EveryPartOfTheKeyCounts) {
  const TtsCacheKey base{"flite", "kal", 1.0, "Hello", media::Codec::kPcmu, ""};
  const std::string h = tts_cache_hash(base);
  EXPECT_EQ(h.size(), 64u);
  EXPECT_EQ(h, tts_cache_hash(base));
  auto changed = [&](auto edit) {
    TtsCacheKey k = base;
    edit(k);
    return tts_cache_hash(k);
  };
  EXPECT_NE(h, changed([](auto& k) { k.engine = "espeak"; }));
  EXPECT_NE(h, changed([](auto& k) { k.voice = "slt"; }));
  EXPECT_NE(h, changed([](auto& k) { k.rate = 1.25; }));
  EXPECT_NE(h, changed([](auto& k) { k.text = "Hello."; }));
  EXPECT_NE(h, changed([](auto& k) { k.codec = media::Codec::kPcma; }));
  EXPECT_NE(h, changed([](auto& k) { k.audio_scope = "app"; }));
  // Length prefixes: moving a character between fields changes the hash.
  EXPECT_NE(tts_cache_hash({"ab", "c", 1.0, "", media::Codec::kPcmu, ""}),
            tts_cache_hash({"a", "bc", 1.0, "", media::Codec::kPcmu, ""}));
}

TEST_F(TtsCacheTest, MemoryTierIsBoundedByEntriesAndBytes) {
  TtsCacheConfig c;
  c.memory_entries = 3;
  c.memory_bytes = 160 * 5;  // five frames
  auto cache = std::move(TtsCache::open(c).value());
  cache->put(hash_of("a"), prompt_of(1));
  cache->put(hash_of("b"), prompt_of(1));
  cache->put(hash_of("c"), prompt_of(1));
  ASSERT_TRUE(cache->find_in_memory(hash_of("a")));  // a is now the most recent
  cache->put(hash_of("d"), prompt_of(1));            // evicts b (4 entries > 3)
  EXPECT_FALSE(cache->find_in_memory(hash_of("b")));
  EXPECT_TRUE(cache->find_in_memory(hash_of("a")));
  cache->put(hash_of("big"), prompt_of(4));  // 4 frames: only a or d can stay beside it
  EXPECT_LE(cache->stats().bytes, 160u * 5);
  EXPECT_TRUE(cache->find_in_memory(hash_of("big")));
  cache->put(hash_of("huge"), prompt_of(6));  // larger than the whole tier: not kept
  EXPECT_FALSE(cache->find_in_memory(hash_of("huge")));
  EXPECT_EQ(cache->find(hash_of("zzz"), media::Codec::kPcmu), nullptr);
  EXPECT_EQ(cache->stats().misses, 1u);
}

TEST_F(TtsCacheTest, DiskTierSurvivesARestartWithPrivatePermissions) {
  {
    auto cache = open_disk();
    cache->put(hash_of("Welcome"), prompt_of(3, 0x12));
  }
  struct stat st {};
  ASSERT_EQ(::stat((dir_ / "cache").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  ASSERT_EQ(files().size(), 1u);
  EXPECT_EQ(files()[0].filename(), hash_of("Welcome") + ".tts");
  ASSERT_EQ(::stat(files()[0].c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Content-addressed: the file holds audio, not the words.
  EXPECT_EQ(disk_contents().find("Welcome"), std::string::npos);

  auto cache = open_disk();
  EXPECT_EQ(cache->stats().disk_entries, 1u);
  EXPECT_FALSE(cache->find_in_memory(hash_of("Welcome")));
  auto p = cache->find(hash_of("Welcome"), media::Codec::kPcmu);
  ASSERT_TRUE(p);
  ASSERT_EQ(p->frames.size(), 3u);
  EXPECT_EQ(p->frames[2][159], 0x12);
  EXPECT_EQ(cache->stats().disk_hits, 1u);
  EXPECT_TRUE(cache->find_in_memory(hash_of("Welcome")));  // promoted
}

TEST_F(TtsCacheTest, UnusedEntriesExpire) {
  {
    auto cache = open_disk();
    cache->put(hash_of("old"), prompt_of(1));
    cache->put(hash_of("used"), prompt_of(1));
  }
  clock_->advance(hours(20));
  {
    auto cache = open_disk();
    ASSERT_TRUE(cache->find(hash_of("used"), media::Codec::kPcmu));  // touches it
  }
  clock_->advance(hours(10));  // "old" is 30 h unused, "used" 10 h
  auto cache = open_disk();
  EXPECT_EQ(cache->stats().disk_entries, 1u);
  EXPECT_FALSE(fs::exists(dir_ / "cache" / (hash_of("old") + ".tts")));
  EXPECT_TRUE(cache->find(hash_of("used"), media::Codec::kPcmu));
  clock_->advance(hours(25));
  auto fresh = open_disk();  // a new instance: nothing in memory
  clock_->advance(hours(0));
  EXPECT_EQ(fresh->find(hash_of("used"), media::Codec::kPcmu), nullptr);
}

TEST_F(TtsCacheTest, DiskTierIsBoundedBySize) {
  const std::uint64_t one = 20 + 160 * 4;  // header + 4 frames
  auto cache = open_disk(3 * one);
  for (const char* t : {"a", "b", "c", "d", "e"}) {
    cache->put(hash_of(t), prompt_of(4));
    clock_->advance(std::chrono::seconds(10));  // distinct use times
  }
  EXPECT_LE(cache->stats().disk_bytes, 3 * one);
  EXPECT_EQ(files().size(), 3u);
  EXPECT_FALSE(fs::exists(dir_ / "cache" / (hash_of("a") + ".tts")));
  EXPECT_TRUE(fs::exists(dir_ / "cache" / (hash_of("e") + ".tts")));
}

TEST_F(TtsCacheTest, DamagedFilesAreMissesAndRemoved) {
  { open_disk()->put(hash_of("x"), prompt_of(2)); }
  const auto path = dir_ / "cache" / (hash_of("x") + ".tts");
  fs::resize_file(path, 100);  // truncated
  std::ofstream(dir_ / "cache" / "unrelated.txt") << "keep me";
  auto cache = open_disk();
  EXPECT_EQ(cache->find(hash_of("x"), media::Codec::kPcmu), nullptr);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_EQ(cache->stats().disk_errors, 1u);
  EXPECT_TRUE(fs::exists(dir_ / "cache" / "unrelated.txt"));
}

TEST_F(TtsCacheTest, AFileInPlaceOfTheDirectoryIsAnError) {
  fs::create_directories(dir_);
  std::ofstream(dir_ / "cache") << "x";
  TtsCacheConfig c;
  c.disk_dir = (dir_ / "cache").string();
  auto cache = TtsCache::open(c);
  ASSERT_FALSE(cache.ok());
  EXPECT_NE(cache.error().message.find("not a directory"), std::string::npos);
}

// A fake engine: one 160-sample frame per character, each sample its voice's number.
class FakeEngine final : public TtsEngine {
 public:
  explicit FakeEngine(std::string name, std::int16_t level)
      : name_(std::move(name)), level_(level) {}
  Result<Audio> synthesize(std::string_view text) override {
    Audio a;
    a.samples.assign(text.size() * 160, level_);
    return a;
  }
  std::string_view name() const override { return name_; }

 private:
  std::string name_;
  std::int16_t level_;
};

SharedPrompt render_and_wait(PromptRenderer& renderer, RenderRequest request) {
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  SharedPrompt result;
  renderer.render(std::move(request), [&](Result<SharedPrompt> r) {
    std::lock_guard lock(m);
    if (r) result = *r;
    done = true;
    cv.notify_all();
  });
  std::unique_lock lock(m);
  cv.wait(lock, [&] { return done; });
  return result;
}

TEST_F(TtsCacheTest, PrivateAndExcludedUtterancesLeaveNoTrace) {
  int made = 0;
  PromptRenderer renderer(
      std::make_unique<FakeEngine>("kal", 100), open_disk(),
      [&](const VoiceInfo& v) -> Result<std::unique_ptr<TtsEngine>> {
        ++made;
        return std::unique_ptr<TtsEngine>(std::make_unique<FakeEngine>(v.name, 200));
      });
  RenderRequest pin;
  pin.text = "Your PIN is 4 8 1 5 and your code is 90210";
  pin.cacheable = false;  // the flow marked it private
  ASSERT_TRUE(render_and_wait(renderer, pin));
  RenderRequest excluded;
  excluded.text = "Your balance is forty two dollars";
  excluded.cacheable = false;  // exclude_from_cache
  excluded.voice = VoiceInfo{"flite", "slt", {"en-US"}, 16000};
  ASSERT_TRUE(render_and_wait(renderer, excluded));
  RenderRequest unmarked;  // looks like a card number: private by the renderer's own check
  unmarked.text = "Card 4111 1111 1111 1111 is on file";
  ASSERT_TRUE(render_and_wait(renderer, unmarked));

  EXPECT_EQ(renderer.cache().stats().entries, 0u);
  EXPECT_EQ(renderer.cache().stats().disk_entries, 0u);
  EXPECT_EQ(renderer.cache().stats().uncached, 3u);
  EXPECT_TRUE(files().empty());
  EXPECT_EQ(renderer.cached(pin), nullptr);
  pin.cacheable = true;  // even asked as cacheable, nothing is there
  EXPECT_EQ(renderer.cached(pin), nullptr);

  // A public prompt is stored - and the scan would see its words if files held text.
  RenderRequest hello;
  hello.text = "Hello 4815";
  ASSERT_TRUE(render_and_wait(renderer, hello));
  EXPECT_EQ(files().size(), 1u);
  const std::string disk = disk_contents();
  for (const char* secret : {"4 8 1 5", "90210", "4111", "forty two", "Hello", "4815"})
    EXPECT_EQ(disk.find(secret), std::string::npos) << secret;
  EXPECT_EQ(made, 1);  // the slt engine, made once for the excluded prompt
}

TEST_F(TtsCacheTest, RendererKeysByVoiceAndCountsHits) {
  PromptRenderer renderer(
      std::make_unique<FakeEngine>("kal", 100), open_disk(),
      [](const VoiceInfo& v) -> Result<std::unique_ptr<TtsEngine>> {
        if (v.name == "broken") return make_error("voice", "cannot start");
        return std::unique_ptr<TtsEngine>(std::make_unique<FakeEngine>(v.name, 200));
      });
  RenderRequest a;
  a.text = "Welcome";
  RenderRequest b = a;
  b.voice = VoiceInfo{"espeak", "es", {"es"}, 22050};
  auto pa = render_and_wait(renderer, a);
  auto pb = render_and_wait(renderer, b);
  ASSERT_TRUE(pa && pb);
  EXPECT_NE(pa, pb);
  EXPECT_NE(pa->frames[0][0], pb->frames[0][0]);  // different voices, different audio
  EXPECT_EQ(renderer.cached(a), pa);
  EXPECT_EQ(renderer.cached(b), pb);
  EXPECT_EQ(render_and_wait(renderer, b), pb);
  const auto s = renderer.cache().stats();
  EXPECT_EQ(s.misses, 2u);
  EXPECT_EQ(s.hits, 3u);  // two cached() calls and one render
  EXPECT_EQ(s.entries, 2u);
  EXPECT_EQ(s.disk_entries, 2u);
  RenderRequest broken = a;
  broken.voice = VoiceInfo{"espeak", "broken", {"xx"}, 22050};
  EXPECT_EQ(render_and_wait(renderer, broken), nullptr);  // an error, not a crash
  const std::string text = renderer.cache().prometheus_text();
  EXPECT_NE(text.find("keyline_tts_cache_hits_total 3"), std::string::npos) << text;
  EXPECT_NE(text.find("keyline_tts_cache_disk_entries 2"), std::string::npos) << text;
}

}  // namespace
}  // namespace keyline::speech
