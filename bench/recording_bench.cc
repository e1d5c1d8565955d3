// Recording cost per call: one 20 ms tick of a CallRecorder (caller audio in, the frame sent,
// tone masking, buffered writes to a real file). A call records 50 frames a second, so the
// time per frame times 50 is the CPU a recorded call costs per second.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "media/call_recorder.h"

namespace keyline::media {
namespace {

// Ten minutes of call per file, then a new one: the disk is not filled by a long run.
constexpr std::int64_t kFramesPerFile = 30000;

std::string temp_dir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "keyline_recbench_XXXXXX").string();
  if (!::mkdtemp(pattern.data())) std::abort();
  return pattern;
}

void run(benchmark::State& state, RecordLayout layout, bool mask) {
  const std::string dir = temp_dir();
  // Speech-like caller audio and a prompt on the other side, so nothing is trivially zero.
  std::vector<std::int16_t> caller(kFrameSamples), sent(kFrameSamples);
  for (std::size_t i = 0; i < kFrameSamples; ++i) {
    caller[i] = static_cast<std::int16_t>(6000 * std::sin(i * 0.11) + 2000 * std::sin(i * 0.9));
    sent[i] = static_cast<std::int16_t>(5000 * std::sin(i * 0.07));
  }
  RecorderOptions options;
  options.layout = layout;
  options.mask_dtmf = mask;
  int file = 0;
  auto open = [&] {
    auto r = CallRecorder::create(dir + "/" + std::to_string(file++) + ".wav", options);
    if (!r) std::abort();
    return std::move(*r);
  };
  auto recorder = open();
  std::int64_t frames = 0;
  for (auto _ : state) {
    recorder->on_caller_audio(caller);
    recorder->on_tick(sent);
    if (++frames % kFramesPerFile == 0) {
      state.PauseTiming();
      recorder->discard();
      recorder = open();
      state.ResumeTiming();
    }
  }
  recorder->discard();
  state.SetItemsProcessed(frames);
  std::filesystem::remove_all(dir);
}

void BM_RecordStereoMasked(benchmark::State& s) { run(s, RecordLayout::kStereo, true); }
void BM_RecordMixedMasked(benchmark::State& s) { run(s, RecordLayout::kMixed, true); }
void BM_RecordCallerMasked(benchmark::State& s) { run(s, RecordLayout::kCallerMono, true); }
void BM_RecordStereoUnmasked(benchmark::State& s) { run(s, RecordLayout::kStereo, false); }
BENCHMARK(BM_RecordStereoMasked);
BENCHMARK(BM_RecordMixedMasked);
BENCHMARK(BM_RecordCallerMasked);
BENCHMARK(BM_RecordStereoUnmasked);

}  // namespace
}  // namespace keyline::media

BENCHMARK_MAIN();
