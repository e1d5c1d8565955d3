#include "flow/simulator.h"

#include <gtest/gtest.h>

#include <sstream>

namespace keyline::flow {
namespace {

struct SimulatorRun {
  int code;
  std::string output;
};

SimulatorRun simulate(std::string_view keys) {
  auto app = load_app(KEYLINE_SOURCE_DIR "/examples/apps/demo.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  std::istringstream in{std::string(keys)};
  std::ostringstream out;
  const int code = run_simulation(*app, in, out);
  return {code, out.str()};
}

bool contains(const std::string& haystack, std::string_view needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(Simulator, AccountPath) {
  const SimulatorRun run = simulate("1\n12345#\n");
  EXPECT_EQ(run.code, 0);
  EXPECT_EQ(run.output,
            "[prompt] Welcome to Keyline.\n"
            "[prompt] For your account balance, press 1. To hear the time, press 2.\n"
            "[keys]> [prompt] Please enter your account number, then press pound.\n"
            "[keys]> [prompt] You entered 1 2 3 4 5.\n"
            "[prompt] Thank you for calling. Goodbye.\n"
            "[hangup]\n"
            "[visit] main/greeting (prompt) -> next\n"
            "[visit] main/main_menu (menu) -> 1\n"
            "[visit] balance/account (digits) -> success:[private]\n"
            "[visit] balance/readback (prompt) -> next\n"
            "[visit] goodbye/goodbye_prompt (prompt) -> next\n"
            "[visit] goodbye/done (exit) -> exit\n"
            "[end] exit_module\n");
}

TEST(Simulator, TypeAheadOnOneLineAndInterDigitTimeout) {
  // "1" picks the menu option, "1234" barges in on the account prompt; the end of the line
  // acts as the inter-digit timeout.
  const SimulatorRun run = simulate("1 1234\n");
  EXPECT_EQ(run.code, 0);
  EXPECT_TRUE(contains(run.output, "[barge-in]\n")) << run.output;
  EXPECT_TRUE(contains(run.output, "[prompt] You entered 1 2 3 4.\n")) << run.output;
  EXPECT_TRUE(contains(run.output, "[end] exit_module\n")) << run.output;
}

TEST(Simulator, EmptyLinesAreNoInput) {
  const SimulatorRun run = simulate("\n\n\n");
  EXPECT_EQ(run.code, 0);
  EXPECT_TRUE(contains(run.output, "[prompt] Sorry, I did not hear anything. For your account"))
      << run.output;
  EXPECT_TRUE(contains(run.output, "[visit] main/main_menu (menu) -> noinput\n")) << run.output;
  EXPECT_TRUE(contains(run.output, "[end] exit_module\n")) << run.output;
}

TEST(Simulator, EndOfInputIsACallerHangup) {
  const SimulatorRun run = simulate("x\n");
  EXPECT_EQ(run.code, 0);
  EXPECT_TRUE(contains(run.output, "[ignored] 'x' is not a phone key")) << run.output;
  EXPECT_TRUE(contains(run.output, "[visit] main/main_menu (menu) -> hangup\n")) << run.output;
  EXPECT_TRUE(contains(run.output, "[end] caller_hangup\n")) << run.output;
  EXPECT_FALSE(contains(run.output, "[hangup]")) << run.output;
}

TEST(Simulator, AppErrorGivesExitCodeOne) {
  auto app = parse_app(R"({"name": "t", "pages": [
    {"name": "a", "modules": [{"type": "goto_page", "name": "again", "page": "a"}]}]})",
                       "t.json");
  ASSERT_TRUE(app.ok()) << app.error().message;
  std::istringstream in;
  std::ostringstream out;
  EXPECT_EQ(run_simulation(*app, in, out), 1);
  EXPECT_TRUE(contains(out.str(), "[end] error:loop\n")) << out.str();
}

}  // namespace
}  // namespace keyline::flow
