// Per-call interpreter memory (issue 6 target: <= 16 KiB for the demo app). A plain program,
// not a Google Benchmark: the figure is bytes, not time.
//
// Method: this binary replaces the global operator new/delete with counting versions that add
// and subtract malloc_usable_size() (what the allocator really hands out, including its
// rounding), so "live bytes" is exact for everything allocated through new. The app document
// is loaded first and is not counted: it is shared by every call to the app. A call is
// sizeof(Interpreter) (it lives inside the server's CallSession) plus the heap it holds: its
// variables, the visit list, queues and strings. The scripted calls walk the demo app's
// balance path (menu, private digits, read-back, goodbye) and the order_status example (a
// confirmation and a Go To App into verify_pin.json), sampling after every event; the peak
// is reported. The counters are globals on purpose: they exist only in this measuring binary.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "counting_new.h"
#include "flow/app_document.h"
#include "flow/interpreter.h"

namespace {

using namespace keyline::flow;

class SilentHost final : public FlowHost {
 public:
  explicit SilentHost(const AppDocument& app) : app_(app) {}
  void play(const PlayRequest&) override { playing = true; }
  void stop_playback() override { playing = false; }
  void start_timer(std::chrono::milliseconds) override {}
  void cancel_timer() override {}
  void hangup() override {}
  void web_request(const WebRequest&) override {}
  void cancel_web_request() override {}
  std::chrono::system_clock::time_point wall_now() const override { return {}; }
  keyline::Result<std::shared_ptr<const AppDocument>> load_app(std::string_view name,
                                                               int) override {
    return load_app_beside(app_, name);
  }
  bool playing = false;

 private:
  const AppDocument& app_;
};

struct Figures {
  long long start = 0;  // after construction and start()
  long long peak = 0;
  long long end = 0;    // the call over, before the interpreter is destroyed
  long long after = 0;  // destroyed: must be back to zero
};

Figures measure(const AppDocument& app, const std::string& keys) {
  SilentHost host(app);
  const long long base = keyline_bench::g_live_bytes;
  Figures f;
  {
    Variables session;
    session.set("session.id", "0123456789abcdef0123456789abcdef");
    session.set("session.connection.ani", "+15551234567");
    session.set("session.connection.dnis", "+15557654321");
    Interpreter interpreter(app, host, std::move(session));
    interpreter.start();
    f.start = keyline_bench::g_live_bytes - base;
    auto sample = [&] { f.peak = std::max(f.peak, keyline_bench::g_live_bytes - base); };
    auto listen = [&] {
      while (host.playing && !interpreter.finished()) {
        host.playing = false;
        interpreter.on_play_done();
        sample();
      }
    };
    listen();
    for (char key : keys) {
      interpreter.on_digit(key);
      sample();
      listen();
    }
    f.end = keyline_bench::g_live_bytes - base;
  }
  f.after = keyline_bench::g_live_bytes - base;
  return f;
}

int report(const char* what, const std::string& path, const std::string& keys) {
  auto app = load_app(path);
  if (!app) {
    std::fprintf(stderr, "%s\n", app.error().message.c_str());
    return 1;
  }
  const Figures f = measure(*app, keys);
  const long long fixed = static_cast<long long>(sizeof(Interpreter));
  std::printf(
      "%-44s sizeof %lld B + heap: start %lld B, peak %lld B, end %lld B, freed to %lld B"
      " -> peak per call %.1f KiB\n",
      what, fixed, f.start, f.peak, f.end, f.after, static_cast<double>(fixed + f.peak) / 1024.0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string dir = argc > 1 ? argv[1] : KEYLINE_SOURCE_DIR "/examples/apps";
  int rc = report("demo: menu 1, account 12345#, read-back", dir + "/demo.json", "112345#");
  rc |= report("order_status: confirm + goto_app verify_pin", dir + "/order_status.json",
               "123456"
               "1"
               "2468"
               "1");
  return rc;
}
