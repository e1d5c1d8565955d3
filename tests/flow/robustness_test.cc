// Malformed input gives errors, never crashes: seeded random mutations of the example apps
// go through the loader, the analysis and a short call; random token soups go through the
// expression parser and evaluator. Deterministic (fixed seeds), so a failure reproduces; the
// libFuzzer targets of the fuzz preset are still to come.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "fake_flow_host.h"
#include "flow/app_analysis.h"
#include "flow/app_document.h"
#include "flow/expression.h"
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs a loaded app for a few events; whatever the app is, the interpreter must stay sane.
void exercise(const AppDocument& app) {
  testing::FakeFlowHost host;
  Interpreter interpreter(app, host, Variables());
  interpreter.start();
  for (char key : std::string("1#2*9")) {
    if (interpreter.finished()) break;
    interpreter.on_play_done();
    interpreter.on_digit(key);
    interpreter.on_timer();
  }
  interpreter.on_hangup();
  EXPECT_TRUE(interpreter.finished());
}

TEST(Robustness, MutatedAppsGiveErrorsNotCrashes) {
  const char* kAlphabet = "{}[]\":,0123456789abc*#$.-+ \n\\";
  int loaded = 0, rejected = 0;
  for (const char* name : {"demo", "payment"}) {
    const std::string original =
        read(std::string(KEYLINE_SOURCE_DIR "/examples/apps/") + name + ".json");
    ASSERT_FALSE(original.empty());
    std::mt19937 rng(20261205);
    for (int round = 0; round < 300; ++round) {
      std::string doc = original;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const std::size_t pos = rng() % doc.size();
        const char c = kAlphabet[rng() % 30];
        switch (rng() % 3) {
          case 0:
            doc[pos] = c;
            break;
          case 1:
            doc.erase(pos, 1 + rng() % 8);
            break;
          default:
            doc.insert(pos, 1, c);
        }
        if (doc.empty()) doc = "{";
      }
      auto app = parse_app(doc, "mutated.json");
      if (!app) {
        EXPECT_FALSE(app.error().message.empty());
        ++rejected;
        continue;
      }
      ++loaded;
      (void)analyze_app(*app);
      exercise(*app);
    }
  }
  // Both outcomes happen, or the mutations are not testing anything.
  EXPECT_GT(loaded, 0);
  EXPECT_GT(rejected, 0);
}

TEST(Robustness, RandomExpressionsGiveErrorsNotCrashes) {
  const std::vector<std::string> tokens = {
      "a",  "b.c", "[",   "]",   "(",      ")",      "{",    "}",    ":",  ",",   "'x'", "\"",
      "1",  "0",   "2.5", "+",   "-",      "*",      "/",    "%",    "==", "!=",  "<",   ">=",
      "&&", "||",  "!",   "len", "substr", "number", "true", "null", " ",  "[0]", ".",   "'",
  };
  Variables vars;
  vars.set("a", "4321", true);
  vars.set_value("b", Value::map({{"c", Value::list({Value::number(1)})}}));
  std::mt19937 rng(7);
  int parsed = 0;
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const int count = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < count; ++i) text += tokens[rng() % tokens.size()];
    auto e = Expression::parse(text);
    if (!e) continue;
    ++parsed;
    auto v = e->evaluate(vars);
    if (v) {
      // Whatever came out of an expression that read `a` is private.
      bool reads_a = false;
      for (const auto& name : e->variables_read()) reads_a = reads_a || name == "a";
      const bool short_circuits =
          text.find("||") != std::string::npos || text.find("&&") != std::string::npos;
      if (reads_a && !short_circuits) {
        EXPECT_TRUE(v->is_private()) << text;
      }
    } else {
      EXPECT_EQ(v.error().message.find("4321"), std::string::npos) << text;
    }
  }
  EXPECT_GT(parsed, 100);
}

}  // namespace
}  // namespace keyline::flow
