// Speech costs: synthesis of a 10-word prompt per voice (with its real-time
// factor: seconds of work per second of audio, lower is better), the SSML
// front end, a prompt-cache hit in memory and on disk (the first frame of a
// cached prompt), and loading a recorded prompt.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <string>

#include "media/codec.h"
#include "media/wav.h"
#include "speech/audio_file.h"
#include "speech/flite_engine.h"
#include "speech/prompt_renderer.h"
#include "speech/ssml.h"
#include "speech/tts_cache.h"
#include "speech/tts_cache_key.h"
#include "speech/voice_catalog.h"

namespace {

using namespace keyline;

constexpr const char* kTenWords = "Please enter your account number followed by the pound key.";

// One run per voice worth comparing: the three flite voices and espeak-ng in
// two languages.
void BM_Synthesize(benchmark::State& state, std::string language, std::string voice) {
  const auto catalog = speech::VoiceCatalog::installed();
  auto info = catalog.choose(language, voice);
  if (!info) return state.SkipWithError(info.error().message.c_str());
  auto engine = speech::VoiceCatalog::make_engine(*info);
  if (!engine) return state.SkipWithError(engine.error().message.c_str());
  double work_s = 0, audio_s = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    auto audio = (*engine)->synthesize(kTenWords);
    work_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!audio) return state.SkipWithError(audio.error().message.c_str());
    audio_s += static_cast<double>(audio->samples.size()) / audio->sample_rate;
  }
  state.counters["rtf"] = work_s / audio_s;
  state.counters["audio_ms"] = 1000 * audio_s / static_cast<double>(state.iterations());
}
BENCHMARK_CAPTURE(BM_Synthesize, flite_kal, "en-US", "kal")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Synthesize, flite_slt, "en-US", "slt")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Synthesize, flite_rms, "en-US", "rms")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Synthesize, espeak_en_us, "en-US", "espeak:en-us")
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Synthesize, espeak_es, "es", "")->Unit(benchmark::kMillisecond);

void BM_ParseSsml(benchmark::State& state) {
  const std::string doc =
      "<speak>Your payment of <say-as interpret-as=\"currency\">1250.18</say-as> is due on "
      "<say-as interpret-as=\"date\">2026-11-25</say-as>.<break time=\"300ms\"/>"
      "<prosody rate=\"slow\">Call <say-as interpret-as=\"telephone\">+1 555 123 4567</say-as>"
      "</prosody></speak>";
  for (auto _ : state) {
    auto segments = speech::parse_ssml(doc);
    benchmark::DoNotOptimize(segments);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(doc.size()));
}
BENCHMARK(BM_ParseSsml);

void BM_CacheHit(benchmark::State& state) {
  auto engine = speech::make_flite_engine("kal");
  if (!engine) return state.SkipWithError("flite kal unavailable");
  speech::PromptRenderer renderer(std::move(engine), 64);
  const std::string text = kTenWords;
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  renderer.render(text, false, media::Codec::kPcmu, [&](auto) {
    std::lock_guard lock(m);
    done = true;
    cv.notify_all();
  });
  {
    std::unique_lock lock(m);
    cv.wait(lock, [&] { return done; });
  }
  for (auto _ : state) {
    auto prompt = renderer.cached(text, media::Codec::kPcmu);
    if (!prompt || prompt->frames.empty()) return state.SkipWithError("cache miss");
    benchmark::DoNotOptimize(prompt->frames.front().data());  // the first frame, ready to send
  }
}
BENCHMARK(BM_CacheHit);

// The disk tier: a rendering read back from its file (the memory tier is
// off, so every lookup goes to disk), as after a restart.
void BM_CacheDiskHit(benchmark::State& state) {
  auto engine = speech::make_flite_engine("kal");
  if (!engine) return state.SkipWithError("flite kal unavailable");
  auto audio = (*engine).synthesize(kTenWords);
  if (!audio) return state.SkipWithError("synthesis failed");
  const auto dir =
      std::filesystem::temp_directory_path() / ("keyline_tts_bench_" + std::to_string(::getpid()));
  speech::TtsCacheConfig config;
  config.memory_entries = 0;
  config.disk_dir = dir.string();
  auto cache = speech::TtsCache::open(config);
  if (!cache) return state.SkipWithError(cache.error().message.c_str());
  const std::string hash =
      speech::tts_cache_hash({"flite", "kal", 1.0, kTenWords, media::Codec::kPcmu, ""});
  (*cache)->put(hash, std::make_shared<media::EncodedPrompt>(
                          media::encode_prompt(media::Codec::kPcmu, audio->samples)));
  for (auto _ : state) {
    auto prompt = (*cache)->find(hash, media::Codec::kPcmu);
    if (!prompt || prompt->frames.empty()) return state.SkipWithError("disk miss");
    benchmark::DoNotOptimize(prompt->frames.front().data());
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_CacheDiskHit)->Unit(benchmark::kMicrosecond);

// A recorded prompt: 3 s of 16 kHz WAV decoded, resampled and encoded for
// all three codecs - the once-per-app-load cost.
void BM_LoadRecordedPrompt(benchmark::State& state) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("keyline_tts_bench_" + std::to_string(::getpid()) + ".wav");
  std::vector<std::int16_t> samples(48000);
  for (std::size_t i = 0; i < samples.size(); ++i)
    samples[i] = static_cast<std::int16_t>((i * 37) % 20000 - 10000);
  if (!media::write_wav(path.string(), samples, 16000).ok()) return state.SkipWithError("write");
  for (auto _ : state) {
    auto loaded = speech::load_prompt_audio(path.string());
    if (!loaded) return state.SkipWithError(loaded.error().message.c_str());
    benchmark::DoNotOptimize(loaded->pcmu->frames.front().data());
  }
  std::filesystem::remove(path);
}
BENCHMARK(BM_LoadRecordedPrompt)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
