#include "server/server_metrics.h"

namespace keyline::server {

std::string ServerMetrics::prometheus_text() const {
  auto line = [](const char* name, const char* type, const char* help, auto value) {
    return std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
           name + " " + std::to_string(value) + "\n";
  };
  return line("keyline_calls_total", "counter", "Inbound calls received.", calls_total.load()) +
         line("keyline_calls_rejected_total", "counter", "Inbound calls refused with an error.",
              calls_rejected.load()) +
         line("keyline_calls_active", "gauge", "Calls in progress.", calls_active.load()) +
         line("keyline_call_log_write_errors_total", "counter", "Call logs that failed to write.",
              call_log_write_errors.load());
}

}  // namespace keyline::server
