#include "speech/prompt_renderer.h"

#include <algorithm>

#include "privacy/redact.h"
#include "speech/tts_cache_key.h"
#include "speech/wipe.h"

namespace keyline::speech {
namespace {

std::unique_ptr<TtsCache> memory_cache(std::size_t entries) {
  TtsCacheConfig config;
  config.memory_entries = entries;
  return std::move(TtsCache::open(config).value());  // no disk: cannot fail
}

}  // namespace

PromptRenderer::PromptRenderer(std::unique_ptr<TtsEngine> default_engine,
                               std::unique_ptr<TtsCache> cache, EngineFactory factory)
    : default_engine_(std::move(default_engine)),
      default_name_(default_engine_->name()),
      cache_(std::move(cache)),
      factory_(std::move(factory)),
      thread_([this] { run(); }) {}

PromptRenderer::PromptRenderer(std::unique_ptr<TtsEngine> engine, std::size_t cache_entries)
    : PromptRenderer(std::move(engine), memory_cache(cache_entries)) {}

PromptRenderer::~PromptRenderer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& job : jobs_) wipe(job.request.text);
    jobs_.clear();
  }
  wake_.notify_all();
  thread_.join();
}

std::string PromptRenderer::key(const RenderRequest& r) const {
  const bool is_default = r.voice.engine.empty();
  return tts_cache_hash({is_default ? std::string_view("default") : r.voice.engine,
                         is_default ? std::string_view(default_name_) : r.voice.name, r.rate,
                         r.text, r.codec, r.audio ? r.audio_scope : std::string()});
}

SharedPrompt PromptRenderer::cached(const RenderRequest& request) {
  if (!request.cacheable) return nullptr;
  return cache_->find_in_memory(key(request));
}

SharedPrompt PromptRenderer::cached(const std::string& text, media::Codec codec) {
  RenderRequest r;
  r.text = text;
  r.codec = codec;
  return cached(r);
}

void PromptRenderer::render(std::string text, bool is_private, media::Codec codec, Done done) {
  RenderRequest r;
  r.text = std::move(text);
  r.codec = codec;
  r.cacheable = !is_private;
  render(std::move(r), std::move(done));
}

void PromptRenderer::render(RenderRequest request, Done done) {
  // Defence in depth: text that looks sensitive (a card or account number
  // nobody marked private) is treated as private, so it is never cached.
  if (request.cacheable && privacy::redact_text(request.text) != request.text)
    request.cacheable = false;
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(Job{std::move(request), std::move(done)});
  }
  wake_.notify_one();
}

Result<TtsEngine*> PromptRenderer::engine_for(const VoiceInfo& voice) {
  if (voice.engine.empty() || !factory_) return default_engine_.get();
  const std::string id = voice.engine + ":" + voice.name;
  if (auto it = engines_.find(id); it != engines_.end()) return it->second.get();
  auto made = factory_(voice);
  if (!made) return made.error();
  return (engines_[id] = std::move(*made)).get();
}

void PromptRenderer::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    RenderRequest& r = job.request;
    SharedPrompt prompt;
    std::string hash;
    if (r.cacheable) {
      hash = key(r);
      prompt = cache_->find(hash, r.codec);
    } else {
      cache_->count_uncached();
    }
    if (!prompt) {
      auto engine = engine_for(r.voice);
      auto audio = engine ? speak_prompt(**engine, r.text, r.audio) : Result<Audio>(engine.error());
      if (!audio) {
        if (!r.cacheable) wipe(r.text);
        job.done(audio.error());
        continue;
      }
      auto encoded =
          std::make_shared<media::EncodedPrompt>(media::encode_prompt(r.codec, audio->samples));
      if (r.cacheable) {
        cache_->put(hash, encoded);
      } else {
        std::fill(audio->samples.begin(), audio->samples.end(), 0);
      }
      prompt = std::move(encoded);
    }
    if (!r.cacheable) wipe(r.text);
    job.done(std::move(prompt));
  }
}

}  // namespace keyline::speech
