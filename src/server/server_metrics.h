// Counters the worker updates and the API thread reads for /metrics, as
// atomics so neither side takes a lock on the call path.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace keyline::server {

struct ServerMetrics {
  std::atomic<std::uint64_t> calls_total{0};     // INVITEs that created a call record
  std::atomic<std::uint64_t> calls_rejected{0};  // answered with an error status
  std::atomic<std::int64_t> calls_active{0};     // sessions alive now
  std::atomic<std::uint64_t> call_log_write_errors{0};

  // Prometheus text exposition format (version 0.0.4).
  std::string prometheus_text() const;
};

}  // namespace keyline::server
