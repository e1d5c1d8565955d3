// Call-log writes never delay calls (API/storage issue: sustained 1,000 call
// completions per second into SQLite with batching). Two figures:
//   1. the worker's cost: CallLogWriter::enqueue, per call;
//   2. the writer thread's throughput: N calls enqueued at once, time until
//      they are all on disk (SQLite, WAL, a file in a temporary directory);
//   3. a paced run at --rate calls/s for --seconds: the deepest the queue got.
// A plain program: the figures are rates and depths, not times per iteration.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "store/call_log_store.h"
#include "store/call_log_writer.h"

namespace {

using namespace keyline;
using Clock = std::chrono::steady_clock;

store::CallRecord make_record(int n) {
  store::CallRecord r;
  r.call_id = "bench" + std::to_string(n);
  r.sip_call_id = r.call_id + "@127.0.0.1";
  r.from = "sip:+15555550100@trunk.example.com";
  r.to = "sip:100@keyline.example.com";
  r.app = "demo";
  r.start_unix_ms = 1'700'000'000'000 + n;
  r.answer_unix_ms = r.start_unix_ms + 20;
  r.end_unix_ms = r.start_unix_ms + 60'000;
  r.exit_reason = "exit_module";
  // The demo app's typical call: eight module visits.
  for (int i = 0; i < 8; ++i)
    r.visits.push_back({"main", "module" + std::to_string(i), "prompt", "next"});
  return r;
}

std::unique_ptr<store::CallLogWriter> open_writer(const std::string& path) {
  auto store = store::CallLogStore::open(path);
  if (!store) {
    std::fprintf(stderr, "call_log_bench: %s\n", store.error().message.c_str());
    std::exit(1);
  }
  return std::make_unique<store::CallLogWriter>(std::move(*store), [](const Error& e) {
    std::fprintf(stderr, "write error: %s\n", e.message.c_str());
  });
}

}  // namespace

int main(int argc, char** argv) {
  int burst = 20'000;
  int rate = 1'000;
  int seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--burst")
      burst = std::atoi(argv[i + 1]);
    else if (arg == "--rate")
      rate = std::atoi(argv[i + 1]);
    else if (arg == "--seconds")
      seconds = std::atoi(argv[i + 1]);
  }
  auto dir = std::filesystem::temp_directory_path() /
             ("keyline-call-log-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  {
    auto writer = open_writer((dir / "burst.db").string());
    std::vector<store::CallRecord> records;
    for (int i = 0; i < burst; ++i) records.push_back(make_record(i));
    const auto start = Clock::now();
    for (auto& r : records) writer->enqueue(std::move(r));
    const auto enqueued = Clock::now();
    writer->flush();
    const auto done = Clock::now();
    const double enqueue_us = std::chrono::duration<double, std::micro>(enqueued - start).count();
    const double total_s = std::chrono::duration<double>(done - start).count();
    std::printf("enqueue (the worker's cost): %.2f us per call\n", enqueue_us / burst);
    std::printf("burst of %d calls on disk in %.2f s: %.0f calls/s\n", burst, total_s,
                burst / total_s);
  }
  {
    auto writer = open_writer((dir / "paced.db").string());
    const auto period = std::chrono::nanoseconds(1'000'000'000LL / rate);
    const int total = rate * seconds;
    std::size_t deepest = 0;
    auto next = Clock::now();
    for (int i = 0; i < total; ++i) {
      writer->enqueue(make_record(i));
      deepest = std::max(deepest, writer->queued());
      next += period;
      std::this_thread::sleep_until(next);
    }
    const auto before_flush = Clock::now();
    writer->flush();
    const double drain_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - before_flush).count();
    std::printf("paced %d calls/s for %d s: deepest queue %zu calls, %.1f ms to drain at the end\n",
                rate, seconds, deepest, drain_ms);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
