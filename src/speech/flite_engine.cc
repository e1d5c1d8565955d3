#include "speech/flite_engine.h"

#include <mutex>
#include <string>
#include <vector>

#include "speech/resample.h"

extern "C" {
#include <flite/flite.h>

// Provided by libflite_cmu_us_kal; the library ships no header declaring it.
cst_voice* register_cmu_us_kal(const char* voxdir);
}

namespace keyline::speech {
namespace {

constexpr int kLineRate = 8000;

// flite keeps process-wide state of its own, and these statics exist only
// to honour its rules; they hold no Keyline data:
// - flite_init() registers global feature functions and must run once.
// - register_cmu_us_kal() returns one process-wide voice (a second call hands
//   back the same pointer, and unregistering frees it under every other
//   holder), so the voice is registered once, beside flite_init(), and lives
//   until exit.
// - flite is not re-entrant (the shared voice and CMU lexicon, the global
//   cst_errjmp hook), so every synthesis takes one process-wide mutex: a
//   per-engine mutex would not cover two engines sharing the voice.
struct FliteRuntime {
  std::once_flag once;
  std::mutex mutex;
  cst_voice* voice = nullptr;  // written once under `once`, then read-only
};

FliteRuntime& flite_runtime() {
  static FliteRuntime runtime;
  return runtime;
}

class FliteEngine final : public TtsEngine {
 public:
  FliteEngine(std::mutex& mutex, cst_voice* voice) : mutex_(mutex), voice_(voice) {}
  FliteEngine(const FliteEngine&) = delete;
  FliteEngine& operator=(const FliteEngine&) = delete;

  Result<Audio> synthesize(std::string_view text) override;
  std::string_view name() const override { return "flite:cmu_us_kal"; }

 private:
  std::mutex& mutex_;  // flite's process-wide lock (see FliteRuntime)
  cst_voice* voice_;   // shared, owned by flite; never unregistered
};

// Text may carry a private value: overwrite our copy before freeing it. The
// volatile store keeps the compiler from dropping the "dead" writes. (flite's
// own token copies live in utterances it frees; we cannot reach those.)
void wipe(std::string& s) {
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
}

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Result<Audio> FliteEngine::synthesize(std::string_view text) {
  Audio audio;                    // 8 kHz, no samples
  if (blank(text)) return audio;  // nothing to say: flite would emit only silence
  if (text.size() > kMaxTtsTextBytes) return make_error("tts", "flite: text too long");
  if (text.find('\0') != std::string_view::npos)
    return make_error("tts", "flite: text contains a NUL byte");
  std::string c_text(text);

  int rate = 0;
  std::vector<std::int16_t> pcm;
  {
    std::lock_guard lock(mutex_);
    cst_wave* wave = flite_text_to_wave(c_text.c_str(), voice_);
    wipe(c_text);
    if (wave == nullptr) return make_error("tts", "flite: synthesis failed");
    rate = cst_wave_sample_rate(wave);
    const int count = cst_wave_num_samples(wave);
    if (rate > 0 && cst_wave_num_channels(wave) == 1 && count >= 0)
      pcm.assign(cst_wave_samples(wave), cst_wave_samples(wave) + count);
    else
      rate = 0;
    delete_wave(wave);
  }
  if (rate == 0) return make_error("tts", "flite: unexpected wave format");
  // Resampling needs no flite state, so it runs outside the lock.
  audio.samples = resample(pcm, rate, kLineRate);
  return audio;
}

}  // namespace

std::unique_ptr<TtsEngine> make_flite_engine() {
  FliteRuntime& rt = flite_runtime();
  std::call_once(rt.once, [&rt] {
    flite_init();
    rt.voice = register_cmu_us_kal(nullptr);
  });
  if (rt.voice == nullptr) return nullptr;
  return std::make_unique<FliteEngine>(rt.mutex, rt.voice);
}

}  // namespace keyline::speech
