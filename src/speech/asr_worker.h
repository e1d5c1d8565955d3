// The recognition thread: starting a turn (compiling its grammar) and decoding it are CPU work
// of milliseconds to a second, so calls never do them on their worker. A call posts a job; the
// job runs here with the engine and hands its result back by posting to the call's loop.
// The engine is made on first use (the model is ~40 MB per decoder and takes a moment to
// load), so a server whose apps never listen for speech never loads it.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "base/result.h"
#include "speech/asr_engine.h"

namespace keyline::speech {

class AsrWorker {
 public:
  using EngineFactory = std::function<Result<std::unique_ptr<AsrEngine>>()>;
  // Runs on the recognition thread: the engine, or why there is none.
  using Job = std::function<void(Result<AsrEngine*>)>;

  explicit AsrWorker(EngineFactory factory);
  ~AsrWorker();  // finishes the job in progress; the rest are dropped
  AsrWorker(const AsrWorker&) = delete;
  AsrWorker& operator=(const AsrWorker&) = delete;

  // Thread-safe. Jobs run one at a time, in order.
  void post(Job job);

 private:
  void run();

  EngineFactory factory_;
  std::unique_ptr<AsrEngine> engine_;  // recognition thread only
  std::optional<Error> engine_error_;  // the factory failed; not retried
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace keyline::speech
