// Logging facade. Every line passes through the redactor the composition root
// installs (privacy::redact_text in the server), so a value that slipped past
// a Private marking is still masked before it reaches a sink.
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace keyline {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3 };

std::optional<LogLevel> parse_log_level(std::string_view name);
std::string_view log_level_name(LogLevel level);

class Logger {
 public:
  using Redactor = std::function<std::string(std::string_view)>;
  using Sink = std::function<void(LogLevel, std::string_view component, std::string_view line)>;

  // With no sink, lines go to stderr. With no redactor, lines are dropped:
  // an unredacted log path must not exist by accident.
  Logger(LogLevel level, Redactor redactor, Sink sink = nullptr);

  void set_level(LogLevel level) { level_ = level; }
  LogLevel level() const { return level_; }
  bool enabled(LogLevel level) const { return level >= level_; }

  void log(LogLevel level, std::string_view component, std::string_view message);
  void debug(std::string_view component, std::string_view message) {
    log(LogLevel::kDebug, component, message);
  }
  void info(std::string_view component, std::string_view message) {
    log(LogLevel::kInfo, component, message);
  }
  void warn(std::string_view component, std::string_view message) {
    log(LogLevel::kWarn, component, message);
  }
  void error(std::string_view component, std::string_view message) {
    log(LogLevel::kError, component, message);
  }

 private:
  LogLevel level_;
  Redactor redactor_;
  Sink sink_;
  std::mutex mutex_;  // lines from the TTS and store threads must not interleave
};

}  // namespace keyline
