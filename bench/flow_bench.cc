// Flow engine costs (issue 6 targets): interpreter overhead per module step, expression
// evaluation, and loading + analysing a 1,000-module app. Figures go to docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include "flow/app_analysis.h"
#include "flow/app_document.h"
#include "flow/expression.h"
#include "flow/interpreter.h"

namespace {

using namespace keyline::flow;

// A host whose prompts finish at once; a step is then pure interpreter work.
class NullHost final : public FlowHost {
 public:
  void play(const PlayRequest&) override {}
  void stop_playback() override {}
  void start_timer(std::chrono::milliseconds) override {}
  void cancel_timer() override {}
  void hangup() override {}
  void web_request(const WebRequest&) override {}
  void cancel_web_request() override {}
  std::chrono::system_clock::time_point wall_now() const override { return {}; }
};

// `modules` Set Variable / Compare / Counter modules in a row, ending in an Exit.
std::string chain_app(int modules) {
  std::string json = R"({"name": "bench", "pages": [{"name": "p", "modules": [)";
  for (int i = 0; i < modules; ++i) {
    switch (i % 3) {
      case 0:
        json += R"({"type": "set_variable", "name": "s)" + std::to_string(i) +
                R"(", "rows": [{"name": "v)" + std::to_string(i) +
                R"(", "expression": "1 + 2 * 3"}]},)";
        break;
      case 1:
        json +=
            R"({"type": "compare_variable", "name": "c)" + std::to_string(i) +
            R"(", "conditions": [{"variable": "x", "operator": "=", "value": "y", "goto": "end"}]},)";
        break;
      default:
        json += R"({"type": "counter", "name": "n)" + std::to_string(i) + R"(", "limit": 5},)";
    }
  }
  return json + R"({"type": "exit", "name": "end"}]}]})";
}

void BM_InterpreterStep(benchmark::State& state) {
  auto app = parse_app(chain_app(300), "bench.json");
  if (!app) {
    state.SkipWithError(app.error().message.c_str());
    return;
  }
  NullHost host;
  for (auto _ : state) {
    Interpreter interpreter(*app, host, Variables());
    interpreter.start();
    benchmark::DoNotOptimize(interpreter.finished());
  }
  state.SetItemsProcessed(state.iterations() * 301);  // module steps
}
BENCHMARK(BM_InterpreterStep);

void BM_ExpressionEvaluate(benchmark::State& state) {
  auto e = Expression::parse("substr(card, -4) + ' ' + string(len(order.items) * 2 > 3)");
  Variables vars;
  vars.set("card", "4111111111111111", true);
  vars.set_value("order",
                 Value::map({{"items", Value::list({Value::number(1), Value::number(2)})}}));
  for (auto _ : state) benchmark::DoNotOptimize(e->evaluate(vars));
}
BENCHMARK(BM_ExpressionEvaluate);

void BM_LoadAndAnalyze1000Modules(benchmark::State& state) {
  const std::string json = chain_app(1000);
  for (auto _ : state) {
    auto app = parse_app(json, "bench.json");
    benchmark::DoNotOptimize(analyze_app(*app));
  }
}
BENCHMARK(BM_LoadAndAnalyze1000Modules)->Unit(benchmark::kMillisecond);

void BM_Load1000Modules(benchmark::State& state) {  // the loader alone, without analyze_app
  const std::string json = chain_app(1000);
  for (auto _ : state) benchmark::DoNotOptimize(parse_app(json, "bench.json"));
}
BENCHMARK(BM_Load1000Modules)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
