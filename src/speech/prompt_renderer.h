// Turns prompt text into shared 20 ms codec frames, off the worker thread,
// with the voice the call asks for. Cacheable prompts go through the TTS
// cache (memory, then disk; encoded once per codec, shared by every call);
// text that contains a private value or is marked exclude-from-cache never
// reaches the cache: it is synthesized, handed over, and its copies are
// overwritten.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.h"
#include "media/codec.h"
#include "media/frames.h"
#include "speech/prompt_speech.h"
#include "speech/tts_cache.h"
#include "speech/tts_engine.h"
#include "speech/voice_info.h"

namespace keyline::speech {

struct RenderRequest {
  std::string text;
  VoiceInfo voice;  // empty engine: the renderer's default engine
  double rate = 1.0;
  media::Codec codec = media::Codec::kPcmu;
  // False for text holding a private value or marked exclude-from-cache.
  bool cacheable = true;
  AudioLookup audio;        // SSML <audio src> clips; may be empty
  std::string audio_scope;  // whose clips those are (part of the cache key)
};

class PromptRenderer {
 public:
  // Runs on the render thread: the caller posts the result to its own loop.
  using Done = std::function<void(Result<SharedPrompt>)>;
  // Makes the engine for a voice the first time a request names it (on the
  // render thread). Without one, every request uses the default engine.
  using EngineFactory = std::function<Result<std::unique_ptr<TtsEngine>>(const VoiceInfo&)>;

  PromptRenderer(std::unique_ptr<TtsEngine> default_engine, std::unique_ptr<TtsCache> cache,
                 EngineFactory factory = nullptr);
  // A memory-only cache of `cache_entries` renderings.
  PromptRenderer(std::unique_ptr<TtsEngine> engine, std::size_t cache_entries);
  ~PromptRenderer();  // finishes the request in progress, drops the rest
  PromptRenderer(const PromptRenderer&) = delete;
  PromptRenderer& operator=(const PromptRenderer&) = delete;

  // A rendering in the memory cache, or null; no I/O, so a worker may ask.
  // Never returns anything for a request that is not cacheable.
  SharedPrompt cached(const RenderRequest& request);
  void render(RenderRequest request, Done done);

  // The default voice, plain text: the walking skeleton's interface.
  SharedPrompt cached(const std::string& text, media::Codec codec);
  void render(std::string text, bool is_private, media::Codec codec, Done done);

  std::size_t cache_size() { return static_cast<std::size_t>(cache_->stats().entries); }
  const TtsCache& cache() const { return *cache_; }

 private:
  struct Job {
    RenderRequest request;
    Done done;
  };
  void run();
  std::string key(const RenderRequest& r) const;
  Result<TtsEngine*> engine_for(const VoiceInfo& voice);  // render thread only

  std::unique_ptr<TtsEngine> default_engine_;
  const std::string default_name_;  // the default engine's name, for cache keys
  std::unique_ptr<TtsCache> cache_;
  EngineFactory factory_;
  std::map<std::string, std::unique_ptr<TtsEngine>> engines_;  // "engine:voice"; render thread
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace keyline::speech
