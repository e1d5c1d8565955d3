#include "store/call_log_writer.h"

#include "base/secure_wipe.h"

namespace keyline::store {
namespace {

// The queued record held the call's values before redaction: overwrite them
// once they are on disk rather than leave them in freed heap memory.
void wipe(CallRecord& record) {
  for (std::string* s : {&record.call_id, &record.sip_call_id, &record.from, &record.to,
                         &record.app, &record.exit_reason})
    secure_wipe(*s);
  for (auto& v : record.visits)
    for (std::string* s : {&v.page, &v.module, &v.type, &v.result}) secure_wipe(*s);
}

}  // namespace

CallLogWriter::CallLogWriter(std::unique_ptr<CallLogStore> store, ErrorHandler on_error)
    : store_(std::move(store)), on_error_(std::move(on_error)), thread_([this] { run(); }) {}

CallLogWriter::~CallLogWriter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void CallLogWriter::enqueue(CallRecord record) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(record));
  }
  wake_.notify_one();
}

void CallLogWriter::flush() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return queue_.empty() && !busy_; });
}

std::size_t CallLogWriter::queued() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void CallLogWriter::run() {
  // Everything queued is written in one transaction (up to kMaxBatch): under
  // a burst of hang-ups the commit's sync is paid once per batch, not per call.
  constexpr std::size_t kMaxBatch = 256;
  std::vector<CallRecord> batch;
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty() && stopping_) break;
    while (!queue_.empty() && batch.size() < kMaxBatch) {
      batch.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    busy_ = true;
    lock.unlock();
    for (const auto& status : store_->write_batch(batch))
      if (!status && on_error_) on_error_(status.error());
    for (auto& record : batch) wipe(record);
    batch.clear();
    lock.lock();
    busy_ = false;
    if (queue_.empty()) idle_.notify_all();
  }
  idle_.notify_all();
}

}  // namespace keyline::store
