#include "speech/espeak_engine.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/secure_wipe.h"
#include "speech/resample.h"

namespace keyline::speech {
namespace {

constexpr int kEspeakLineRate = 8000;

// espeak-ng is one process-wide synthesizer, and this static runtime exists
// only to honour its rules; it holds no Keyline data:
// - espeak_Initialize() sets up global tables and the output mode, once per
//   process (a second call leaks and resets them under any other user).
// - The current voice, rate and synth callback are globals inside espeak-ng,
//   and synthesis is not re-entrant. A mutex is not enough: with calls made
//   from several threads, even one at a time, espeak-ng 1.51 reads state it
//   set up on another thread and crashes now and then (seen in
//   EspeakEngine.EnginesOnSeparateThreads). So every call into espeak-ng -
//   initialisation included - runs on one thread the runtime owns, and the
//   callers wait for their turn.
// - `current_voice` remembers which voice is loaded, because loading one
//   reads its dictionary from disk: only a change of voice pays for that.
class EspeakRuntime {
 public:
  EspeakRuntime() : thread_([this] { serve(); }) {}
  ~EspeakRuntime() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
  EspeakRuntime(const EspeakRuntime&) = delete;
  EspeakRuntime& operator=(const EspeakRuntime&) = delete;

  // Runs `job` on the espeak thread and waits for it.
  void run(std::function<void()> job) {
    std::packaged_task<void()> task(std::move(job));
    auto done = task.get_future();
    {
      std::lock_guard lock(mutex_);
      jobs_.push_back(std::move(task));
    }
    wake_.notify_one();
    done.get();
  }

  int native_rate = 0;            // set once by the first job; 0 = unavailable
  std::vector<VoiceInfo> voices;  // set once by the first job
  std::string current_voice;      // only touched on the espeak thread

 private:
  void serve() {
    for (;;) {
      std::packaged_task<void()> job;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (jobs_.empty()) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<void()>> jobs_;
  bool stopping_ = false;
  std::thread thread_;  // last: started once the members it uses exist
};

// Called synchronously from inside espeak_Synth with each chunk of audio; the
// buffer to fill rides in the event's user_data. Returning 1 aborts.
int on_audio(short* wav, int count, espeak_EVENT* events) {
  if (events == nullptr || events->user_data == nullptr) return 1;
  auto* sink = static_cast<std::vector<std::int16_t>*>(events->user_data);
  if (wav != nullptr && count > 0) sink->insert(sink->end(), wav, wav + count);
  return 0;
}

// espeak's language list: (priority byte, tag, NUL) pairs ending with a NUL.
std::vector<std::string> languages_of(const espeak_VOICE& v) {
  std::vector<std::string> out;
  for (const char* p = v.languages; p != nullptr && *p != '\0';) {
    std::string tag(p + 1);  // skip the priority byte
    p += 1 + tag.size() + 1;
    if (!tag.empty()) out.push_back(std::move(tag));
  }
  return out;
}

void load_voices(EspeakRuntime& rt) {
  const espeak_VOICE** list = espeak_ListVoices(nullptr);
  for (; list != nullptr && *list != nullptr; ++list) {
    auto langs = languages_of(**list);
    // Variants ("!v/...") change pitch and timbre, not language.
    if (langs.empty() || langs.front() == "variant") continue;
    const std::string name = langs.front();
    if (std::any_of(rt.voices.begin(), rt.voices.end(),
                    [&](const VoiceInfo& v) { return v.name == name; }))
      continue;
    rt.voices.push_back({"espeak", name, std::move(langs), rt.native_rate});
  }
}

EspeakRuntime& espeak_runtime() {
  // Static initialisation is thread-safe, and the first job runs before any
  // other caller can queue one, so every later job sees it done.
  static EspeakRuntime runtime;
  static std::once_flag initialised;
  std::call_once(initialised, [] {
    runtime.run([] {
      // DONT_EXIT: without it espeak-ng calls exit() when its data is missing.
      const int rate =
          espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, nullptr, espeakINITIALIZE_DONT_EXIT);
      if (rate <= 0) return;
      espeak_SetSynthCallback(on_audio);
      runtime.native_rate = rate;
      load_voices(runtime);
    });
  });
  return runtime;
}

class EspeakEngine final : public TtsEngine {
 public:
  EspeakEngine(EspeakRuntime& rt, const VoiceInfo& voice)
      : rt_(rt), voice_(voice.name), tag_(voice.languages.front()), name_("espeak:" + voice.name) {}

  Result<Audio> synthesize(std::string_view text) override { return synthesize_at_rate(text, 1); }
  Result<Audio> synthesize_at_rate(std::string_view text, double rate) override;
  std::string_view name() const override { return name_; }
  std::string_view language() const override { return tag_; }

 private:
  Status select_voice();  // on the espeak thread
  EspeakRuntime& rt_;
  std::string voice_, tag_, name_;
};

Status EspeakEngine::select_voice() {
  if (rt_.current_voice == voice_) return Ok{};
  espeak_VOICE spec{};
  spec.languages = voice_.c_str();
  if (espeak_SetVoiceByProperties(&spec) != EE_OK) {
    rt_.current_voice.clear();
    return make_error("tts", "espeak: cannot load voice " + voice_);
  }
  rt_.current_voice = voice_;
  return Ok{};
}

Result<Audio> EspeakEngine::synthesize_at_rate(std::string_view text, double rate) {
  Audio audio;  // 8 kHz, no samples
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return audio;
  if (text.size() > kMaxTtsTextBytes) return make_error("tts", "espeak: text too long");
  if (text.find('\0') != std::string_view::npos)
    return make_error("tts", "espeak: text contains a NUL byte");
  if (!(rate >= 0.25 && rate <= 4.0)) return make_error("tts", "espeak: rate out of range");
  std::string c_text(text);

  std::vector<std::int16_t> pcm;
  espeak_ERROR err = EE_OK;
  Status selected = Ok{};
  rt_.run([&] {
    selected = select_voice();
    if (!selected) return;
    const int wpm = std::clamp(static_cast<int>(espeakRATE_NORMAL * rate), espeakRATE_MINIMUM,
                               espeakRATE_MAXIMUM);
    espeak_SetParameter(espeakRATE, wpm, 0);
    // Plain text, not espeakSSML: markup is ours to parse, and a '<' in a
    // caller's value must be read out, not obeyed.
    err = espeak_Synth(c_text.c_str(), c_text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                       nullptr, &pcm);
  });
  // Text may carry a private value: overwrite our copy before it is freed.
  secure_wipe(c_text);
  if (!selected) return selected.error();
  if (err != EE_OK) return make_error("tts", "espeak: synthesis failed");
  // Resampling needs no espeak state, so it runs on the caller's thread.
  audio.samples = resample(pcm, rt_.native_rate, kEspeakLineRate);
  return audio;
}

}  // namespace

std::vector<VoiceInfo> espeak_voices() { return espeak_runtime().voices; }

std::unique_ptr<TtsEngine> make_espeak_engine(std::string_view language) {
  EspeakRuntime& rt = espeak_runtime();
  if (rt.native_rate <= 0) return nullptr;
  for (const auto& v : rt.voices)
    if (v.name == language) return std::make_unique<EspeakEngine>(rt, v);
  return nullptr;
}

}  // namespace keyline::speech
