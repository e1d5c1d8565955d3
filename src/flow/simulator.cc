#include "flow/simulator.h"

#include <string>

#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

// A FlowHost that only records what the interpreter asked for; the loop in run_simulation
// plays the part of the event loop and delivers the callbacks.
class TerminalHost final : public FlowHost {
 public:
  explicit TerminalHost(std::ostream& out) : out_(out) {}

  void play(const PlayRequest& request) override {
    out_ << "[prompt] " << request.text << '\n';
    playing = true;
  }
  void stop_playback() override {
    out_ << "[barge-in]\n";
    playing = false;
  }
  void start_timer(std::chrono::milliseconds delay) override {
    timer_armed = true;
    timer_delay = delay;
  }
  void cancel_timer() override { timer_armed = false; }
  void hangup() override { out_ << "[hangup]\n"; }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::now();
  }

  bool playing = false;
  bool timer_armed = false;
  std::chrono::milliseconds timer_delay{0};

 private:
  std::ostream& out_;
};

bool is_key(char c) {
  return (c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D');
}

}  // namespace

int run_simulation(const AppDocument& app, std::istream& in, std::ostream& out) {
  TerminalHost host(out);
  Variables session;
  session.set("session.id", "simulator");
  session.set("session.connection.ani", "simulator");
  session.set("session.connection.dnis", "simulator");
  Interpreter interpreter(app, host, std::move(session));
  interpreter.start();

  while (!interpreter.finished()) {
    if (host.playing) {  // prompts "play" instantly
      host.playing = false;
      interpreter.on_play_done();
      continue;
    }
    if (!host.timer_armed) {  // neither playing nor waiting: cannot happen with a sound app
      out << "[error] the app is stuck\n";
      break;
    }
    out << "[keys]> " << std::flush;
    std::string line;
    if (!std::getline(in, line)) {
      out << "\n";
      interpreter.on_hangup();
      break;
    }
    for (char c : line) {
      if (interpreter.finished()) break;
      if (c == ' ' || c == '\t' || c == '\r') continue;
      if (!is_key(c)) {
        out << "[ignored] '" << c << "' is not a phone key (0-9 * # A-D)\n";
        continue;
      }
      interpreter.on_digit(c);
    }
    // The line is all the caller types for now: a module still waiting times out.
    if (!interpreter.finished() && !host.playing && host.timer_armed) {
      host.timer_armed = false;
      interpreter.on_timer();
    }
  }

  for (const auto& visit : interpreter.visits())
    out << "[visit] " << visit.page << '/' << visit.module << " (" << visit.type << ") -> "
        << visit.result << '\n';
  for (const auto& line : interpreter.log_lines()) out << "[log] " << line << '\n';
  out << "[end] " << interpreter.exit_reason() << '\n';
  const bool error = !interpreter.finished() || interpreter.exit_reason().rfind("error:", 0) == 0;
  return error ? 1 : 0;
}

}  // namespace keyline::flow
