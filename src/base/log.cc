#include "base/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace keyline {

std::optional<LogLevel> parse_log_level(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn" || name == "warning") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

Logger::Logger(LogLevel level, Redactor redactor, Sink sink)
    : level_(level), redactor_(std::move(redactor)), sink_(std::move(sink)) {}

void Logger::log(LogLevel level, std::string_view component, std::string_view message) {
  if (!enabled(level) || !redactor_) return;
  std::string line = redactor_(message);
  std::lock_guard lock(mutex_);
  if (sink_) {
    sink_(level, component, line);
    return;
  }
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  std::fprintf(stderr, "%s.%03dZ %-5s %.*s: %.*s\n", stamp, static_cast<int>(ms),
               log_level_name(level).data(), static_cast<int>(component.size()), component.data(),
               static_cast<int>(line.size()), line.data());
}

}  // namespace keyline
