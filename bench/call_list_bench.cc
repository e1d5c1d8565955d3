// Listing a day out of N stored calls (issue 9: a day out of 1,000,000 in < 100 ms), and the
// reports over that day, on SQLite. A plain program: it fills a temporary database once (N calls
// spread evenly over 30 days, three module visits each), then times each query several times
// and prints the median. Usage: call_list_bench [N=1000000] [runs=7]
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "store/backend.h"
#include "store/call_log_store.h"
#include "store/database.h"
#include "store/migrations.h"
#include "store/reports.h"

namespace {

using namespace keyline;
using Clock = std::chrono::steady_clock;

constexpr std::int64_t kDayMs = 86'400'000;
constexpr std::int64_t kStart = 1'780'000'000'000;  // 2026-05-28

// Direct inserts in one transaction: the bench measures reads, not the writer.
bool fill(store::Database& db, std::int64_t n) {
  auto st = db.transaction([&]() -> Status {
    auto call = db.prepare(
        "INSERT INTO call_logs (call_id, sip_call_id, from_uri, to_uri, app, start_unix_ms, "
        "answer_unix_ms, end_unix_ms, exit_reason, deployment) VALUES (?,?,?,?,?,?,?,?,?,?)");
    auto visit = db.prepare(
        "INSERT INTO call_log_visits (call_id, seq, page, module, type, result) "
        "VALUES (?,?,?,?,?,?)");
    if (!call) return call.error();
    if (!visit) return visit.error();
    const std::int64_t step = 30 * kDayMs / n;
    for (std::int64_t i = 0; i < n; ++i) {
      const std::string id = "call" + std::to_string(i);
      const std::int64_t start = kStart + i * step;
      call->reset();
      call->bind(1, id);
      call->bind(2, id + "@bench");
      call->bind(3, "sip:+4420" + std::to_string(7000000 + i % 1000000) + "@carrier");
      call->bind(4, "sip:" + std::to_string(100 + i % 7) + "@keyline");
      call->bind(5, i % 3 ? "support" : "sales");
      call->bind(6, start);
      call->bind(7, start + 2000);
      call->bind(8, start + 2000 + (i * 7919) % 300'000);
      call->bind(9, i % 10 ? "remote_bye" : "exit_module");
      call->bind(10, i % 3 ? "main" : "sales-line");
      if (auto r = call->run(); !r) return r;
      const char* modules[3][3] = {{"main", "greeting", "prompt"},
                                   {"main", "main_menu", "menu"},
                                   {"balance", "account", "digits"}};
      for (int v = 0; v < 3; ++v) {
        visit->reset();
        visit->bind(1, id);
        visit->bind(2, static_cast<std::int64_t>(v));
        visit->bind(3, modules[v][0]);
        visit->bind(4, modules[v][1]);
        visit->bind(5, modules[v][2]);
        visit->bind(6, v == 2 && i % 5 == 0 ? "noinput" : "success:[private]");
        if (auto r = visit->run(); !r) return r;
      }
    }
    return Ok{};
  });
  if (!st) std::fprintf(stderr, "fill: %s\n", st.error().message.c_str());
  return static_cast<bool>(st);
}

template <class F>
double median_ms(int runs, F&& f) {
  std::vector<double> times;
  f();  // warm the page cache and the statement paths
  for (int i = 0; i < runs; ++i) {
    auto t0 = Clock::now();
    f();
    times.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 1'000'000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 7;
  if (n < 30 || runs < 1) {
    std::fprintf(stderr, "usage: call_list_bench [N>=30] [runs>=1]\n");
    return 2;
  }
  char tmpl[] = "/tmp/keyline-call-list-bench-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  int status = 1;
  {
    auto db = store::open_and_migrate(dir + "/keyline.db");
    if (!db) {
      std::fprintf(stderr, "%s\n", db.error().message.c_str());
      return 1;
    }
    std::shared_ptr<store::Database> shared(std::move(*db));
    auto t0 = Clock::now();
    if (fill(*shared, n)) {
      std::printf("filled %lld calls (3 visits each) in %.1f s\n", static_cast<long long>(n),
                  std::chrono::duration<double>(Clock::now() - t0).count());
      auto backend = store::make_sqlite_backend(shared);
      auto calls = backend->call_logs({});
      auto reports = backend->reports();
      const std::int64_t day = kStart + 15 * kDayMs;  // a day in the middle
      store::CallQuery page;
      page.from_unix_ms = day;
      page.to_unix_ms = day + kDayMs;
      page.limit = 100;
      std::size_t day_calls = 0;
      const double first_page = median_ms(runs, [&] { (void)calls->query(page); });
      store::CallQuery filtered = page;
      filtered.app = "sales";
      const double app_page = median_ms(runs, [&] { (void)calls->query(filtered); });
      store::CallQuery details = page;
      details.with_details = true;
      const double details_page = median_ms(runs, [&] { (void)calls->query(details); });
      const double whole_day = median_ms(runs, [&] {
        store::CallQuery q = page;
        q.limit = 1000;
        day_calls = 0;
        for (;;) {
          auto got = calls->query(q);
          if (!got || got->empty()) break;
          day_calls += got->size();
          q.after = std::make_pair(got->back().start_unix_ms, got->back().call_id);
        }
      });
      const store::ReportFilter filter{day, day + kDayMs, "", ""};
      const double calls_report = median_ms(runs, [&] {
        auto samples = reports->call_samples(filter, 2'000'000);
        if (samples) (void)store::bucket_calls(*samples, 3'600'000);
      });
      const double modules_report = median_ms(runs, [&] { (void)reports->module_counts(filter); });
      std::printf("one day holds %zu calls; median of %d runs:\n", day_calls, runs);
      std::printf("  first page (100 calls, newest first)        %8.2f ms\n", first_page);
      std::printf("  first page, app filter                      %8.2f ms\n", app_page);
      std::printf("  first page with details (300 visits)        %8.2f ms\n", details_page);
      std::printf("  every page of the day (1,000 per page)      %8.2f ms\n", whole_day);
      std::printf("  GET /v1/reports/calls query, hour buckets   %8.2f ms\n", calls_report);
      std::printf("  GET /v1/reports/modules query               %8.2f ms\n", modules_report);
      status = 0;
    }
  }
  std::filesystem::remove_all(dir);
  return status;
}
