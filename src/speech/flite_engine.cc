#include "speech/flite_engine.h"

#include <array>
#include <mutex>
#include <string>
#include <vector>

#include "base/secure_wipe.h"
#include "speech/resample.h"

extern "C" {
#include <flite/flite.h>

// Provided by the libflite_cmu_us_* voice libraries, which ship no header.
cst_voice* register_cmu_us_kal(const char* voxdir);
cst_voice* register_cmu_us_slt(const char* voxdir);
cst_voice* register_cmu_us_rms(const char* voxdir);
}

namespace keyline::speech {
namespace {

constexpr int kFliteLineRate = 8000;

struct FliteVoice {
  const char* short_name;  // "kal"
  const char* full_name;   // "cmu_us_kal", as flite names it
  int native_rate;
  cst_voice* (*register_voice)(const char*);
};

constexpr std::array<FliteVoice, 3> kVoices = {{
    {"kal", "cmu_us_kal", 8000, register_cmu_us_kal},
    {"slt", "cmu_us_slt", 16000, register_cmu_us_slt},
    {"rms", "cmu_us_rms", 16000, register_cmu_us_rms},
}};

// flite keeps process-wide state of its own, and these statics exist only
// to honour its rules; they hold no Keyline data:
// - flite_init() registers global feature functions and must run once.
// - register_cmu_us_*() returns one process-wide voice (a second call hands
//   back the same pointer, and unregistering frees it under every other
//   holder), so each voice is registered once, on first use, and lives
//   until exit.
// - flite is not re-entrant (the shared voices and CMU lexicon, the global
//   cst_errjmp hook), so every synthesis takes one process-wide mutex: a
//   per-engine mutex would not cover two engines sharing a voice.
struct FliteRuntime {
  std::once_flag init_once;
  std::array<std::once_flag, kVoices.size()> voice_once;
  std::mutex mutex;
  // Each written once under its voice_once, then read-only.
  std::array<cst_voice*, kVoices.size()> voices{};
  // The voice's own duration_stretch, so a rate change scales it rather
  // than replacing it.
  std::array<float, kVoices.size()> base_stretch{};
};

FliteRuntime& flite_runtime() {
  static FliteRuntime runtime;
  return runtime;
}

class FliteEngine final : public TtsEngine {
 public:
  FliteEngine(FliteRuntime& rt, std::size_t index)
      : rt_(rt), voice_(rt.voices[index]), base_stretch_(rt.base_stretch[index]) {
    name_ = std::string("flite:") + kVoices[index].full_name;
  }
  FliteEngine(const FliteEngine&) = delete;
  FliteEngine& operator=(const FliteEngine&) = delete;

  Result<Audio> synthesize(std::string_view text) override { return synthesize_at_rate(text, 1); }
  Result<Audio> synthesize_at_rate(std::string_view text, double rate) override;
  std::string_view name() const override { return name_; }

 private:
  FliteRuntime& rt_;  // flite's process-wide lock (see FliteRuntime)
  cst_voice* voice_;  // shared, owned by flite; never unregistered
  float base_stretch_;
  std::string name_;
};

bool blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

Result<Audio> FliteEngine::synthesize_at_rate(std::string_view text, double rate) {
  Audio audio;                    // 8 kHz, no samples
  if (blank(text)) return audio;  // nothing to say: flite would emit only silence
  if (text.size() > kMaxTtsTextBytes) return make_error("tts", "flite: text too long");
  if (text.find('\0') != std::string_view::npos)
    return make_error("tts", "flite: text contains a NUL byte");
  if (!(rate >= 0.25 && rate <= 4.0)) return make_error("tts", "flite: rate out of range");
  std::string c_text(text);

  int native_rate = 0;
  std::vector<std::int16_t> pcm;
  {
    std::lock_guard lock(rt_.mutex);
    // Set on every call: the voice is shared, so the last caller's rate
    // must not leak into this one.
    feat_set_float(voice_->features, "duration_stretch", base_stretch_ / static_cast<float>(rate));
    cst_wave* wave = flite_text_to_wave(c_text.c_str(), voice_);
    // Text may carry a private value: overwrite our copy before it is freed. (flite's own
    // token copies live in utterances it frees; we cannot reach those.)
    secure_wipe(c_text);
    if (wave == nullptr) return make_error("tts", "flite: synthesis failed");
    native_rate = cst_wave_sample_rate(wave);
    const int count = cst_wave_num_samples(wave);
    if (native_rate > 0 && cst_wave_num_channels(wave) == 1 && count >= 0)
      pcm.assign(cst_wave_samples(wave), cst_wave_samples(wave) + count);
    else
      native_rate = 0;
    delete_wave(wave);
  }
  if (native_rate == 0) return make_error("tts", "flite: unexpected wave format");
  // Resampling needs no flite state, so it runs outside the lock.
  audio.samples = resample(pcm, native_rate, kFliteLineRate);
  return audio;
}

}  // namespace

std::vector<VoiceInfo> flite_voices() {
  std::vector<VoiceInfo> out;
  for (const auto& v : kVoices)
    out.push_back({"flite", v.short_name, {"en-US", "en"}, v.native_rate});
  return out;
}

std::unique_ptr<TtsEngine> make_flite_engine(std::string_view voice) {
  std::size_t index = kVoices.size();
  for (std::size_t i = 0; i < kVoices.size(); ++i)
    if (voice == kVoices[i].short_name || voice == kVoices[i].full_name) index = i;
  if (index == kVoices.size()) return nullptr;

  FliteRuntime& rt = flite_runtime();
  std::call_once(rt.init_once, [] { flite_init(); });
  std::call_once(rt.voice_once[index], [&rt, index] {
    // Registration may touch the shared lexicon another thread is
    // synthesising with, so it takes the synthesis lock too.
    std::lock_guard lock(rt.mutex);
    cst_voice* v = kVoices[index].register_voice(nullptr);
    if (v != nullptr) rt.base_stretch[index] = get_param_float(v->features, "duration_stretch", 1);
    rt.voices[index] = v;
  });
  if (rt.voices[index] == nullptr) return nullptr;
  return std::make_unique<FliteEngine>(rt, index);
}

}  // namespace keyline::speech
