// Turns prompt text into shared 20 ms codec frames, off the worker thread.
// Non-private prompts are cached (encoded once per codec, shared by every
// call); text that contains a private value is never cached and its copy is
// overwritten as soon as it has been synthesized.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "base/result.h"
#include "media/codec.h"
#include "media/frames.h"
#include "speech/tts_engine.h"

namespace keyline::speech {

using SharedPrompt = std::shared_ptr<const media::EncodedPrompt>;

class PromptRenderer {
 public:
  // Runs on the render thread: the caller posts the result to its own loop.
  using Done = std::function<void(Result<SharedPrompt>)>;

  PromptRenderer(std::unique_ptr<TtsEngine> engine, std::size_t cache_entries);
  ~PromptRenderer();  // finishes the request in progress, drops the rest
  PromptRenderer(const PromptRenderer&) = delete;
  PromptRenderer& operator=(const PromptRenderer&) = delete;

  // A cached rendering, or null. Never returns anything for private text.
  SharedPrompt cached(const std::string& text, media::Codec codec);
  void render(std::string text, bool is_private, media::Codec codec, Done done);

  std::size_t cache_size();

 private:
  struct Job {
    std::string text;
    bool is_private;
    media::Codec codec;
    Done done;
  };
  void run();
  static std::string key(const std::string& text, media::Codec codec);
  void remember(const std::string& key, SharedPrompt prompt);

  std::unique_ptr<TtsEngine> engine_;
  std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  // LRU cache: most recent at the front.
  std::list<std::pair<std::string, SharedPrompt>> lru_;
  std::unordered_map<std::string, std::list<std::pair<std::string, SharedPrompt>>::iterator> index_;
  std::thread thread_;
};

}  // namespace keyline::speech
