// Writes call records on a thread of its own so a slow disk never stalls a
// worker's event loop. flush() waits until everything queued is on disk.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/call_log_store.h"

namespace keyline::store {

class CallLogWriter {
 public:
  using ErrorHandler = std::function<void(const Error&)>;
  CallLogWriter(std::unique_ptr<CallLogStore> store, ErrorHandler on_error);
  ~CallLogWriter();  // drains the queue, then stops

  void enqueue(CallRecord record);
  void flush();
  // Records waiting for the writer thread (a gauge for /metrics).
  std::size_t queued() const;

 private:
  void run();

  std::unique_ptr<CallLogStore> store_;
  ErrorHandler on_error_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<CallRecord> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace keyline::store
