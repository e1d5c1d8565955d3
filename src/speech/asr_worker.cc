#include "speech/asr_worker.h"

#include <optional>
#include <utility>

namespace keyline::speech {

AsrWorker::AsrWorker(EngineFactory factory)
    : factory_(std::move(factory)), thread_([this] { run(); }) {}

AsrWorker::~AsrWorker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void AsrWorker::post(Job job) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void AsrWorker::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    if (!engine_ && !engine_error_) {
      auto engine =
          factory_
              ? factory_()
              : Result<std::unique_ptr<AsrEngine>>(make_error("asr", "no recognizer configured"));
      if (engine) {
        engine_ = std::move(*engine);
      } else {
        engine_error_ = engine.error();
      }
    }
    if (engine_) {
      job(engine_.get());
    } else {
      job(*engine_error_);
    }
  }
}

}  // namespace keyline::speech
