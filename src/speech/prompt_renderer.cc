#include "speech/prompt_renderer.h"

#include <algorithm>

#include "privacy/redact.h"
#include "speech/prompt_speech.h"

namespace keyline::speech {
namespace {

void overwrite(std::string& s) {
  // volatile stores so the compiler cannot drop the wipe of a dying string.
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

}  // namespace

PromptRenderer::PromptRenderer(std::unique_ptr<TtsEngine> engine, std::size_t cache_entries)
    : engine_(std::move(engine)), capacity_(cache_entries), thread_([this] { run(); }) {}

PromptRenderer::~PromptRenderer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (auto& job : jobs_) overwrite(job.text);
    jobs_.clear();
  }
  wake_.notify_all();
  thread_.join();
}

std::string PromptRenderer::key(const std::string& text, media::Codec codec) {
  return std::string(media::codec_name(codec)) + ":" + text;
}

SharedPrompt PromptRenderer::cached(const std::string& text, media::Codec codec) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key(text, codec));
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

std::size_t PromptRenderer::cache_size() {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

void PromptRenderer::render(std::string text, bool is_private, media::Codec codec, Done done) {
  // Defence in depth: text that looks sensitive (a card or account number
  // nobody marked private) is treated as private, so it is never cached.
  if (!is_private && privacy::redact_text(text) != text) is_private = true;
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(Job{std::move(text), is_private, codec, std::move(done)});
  }
  wake_.notify_one();
}

void PromptRenderer::remember(const std::string& k, SharedPrompt prompt) {
  if (capacity_ == 0) return;
  if (auto it = index_.find(k); it != index_.end()) {
    lru_.erase(it->second);
    index_.erase(it);
  }
  lru_.emplace_front(k, std::move(prompt));
  index_[k] = lru_.begin();
  while (lru_.size() > capacity_) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
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
    SharedPrompt prompt;
    if (!job.is_private) prompt = cached(job.text, job.codec);
    if (!prompt) {
      auto audio = speak_prompt(*engine_, job.text);
      if (!audio) {
        if (job.is_private) overwrite(job.text);
        job.done(audio.error());
        continue;
      }
      auto encoded =
          std::make_shared<media::EncodedPrompt>(media::encode_prompt(job.codec, audio->samples));
      if (job.is_private) {
        std::fill(audio->samples.begin(), audio->samples.end(), 0);
      } else {
        std::lock_guard lock(mutex_);
        remember(key(job.text, job.codec), encoded);
      }
      prompt = std::move(encoded);
    }
    if (job.is_private) overwrite(job.text);
    job.done(std::move(prompt));
  }
}

}  // namespace keyline::speech
