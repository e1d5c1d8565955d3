// Evaluate JS costs: one evaluation of a small script in a fresh sandbox heap — heap creation
// with the built-ins, hardening, inputs in, compile, run, outputs out, teardown with every block
// overwritten — which is what each Evaluate JS module pays. Figures go to docs/benchmarks.md.
#include <benchmark/benchmark.h>

#include <chrono>
#include <vector>

#include "flow/js_sandbox.h"

namespace {

using namespace keyline::flow;

const std::vector<JsLibrary> kLibraries = {{"cards",
                                            "function luhn(s) {\n"
                                            "  var sum = 0;\n"
                                            "  for (var i = 0; i < s.length; i++) {\n"
                                            "    var d = +s[s.length - 1 - i];\n"
                                            "    if (i % 2) { d *= 2; if (d > 9) d -= 9; }\n"
                                            "    sum += d;\n"
                                            "  }\n"
                                            "  return sum % 10 === 0;\n"
                                            "}\n"}};

// A long limit: the benchmark measures cost, never the limit.
const JsSandbox kSandbox(JsLimits{std::chrono::milliseconds(10000), std::size_t{8} << 20});

void BM_JsSmallScript(benchmark::State& state) {
  JsJob job;
  job.script = "var total = price * qty; 'total ' + total";
  job.inputs = {{"price", Value::number(12.5)}, {"qty", Value::number(3)}};
  job.outputs = {"total"};
  for (auto _ : state) {
    auto r = kSandbox.run(job);
    if (!r) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_JsSmallScript)->Unit(benchmark::kMicrosecond);

void BM_JsLibraryFunction(benchmark::State& state) {
  JsJob job;
  job.function = "luhn";
  job.arguments = {Value::string("4111111111111111", true)};
  for (auto _ : state) {
    auto r = kSandbox.run(job, kLibraries);
    if (!r) state.SkipWithError(r.error().message.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_JsLibraryFunction)->Unit(benchmark::kMicrosecond);

// Peak heap of the small script (reported once as a counter).
void BM_JsPeakMemory(benchmark::State& state) {
  JsJob job;
  job.script = "1 + 1";
  std::size_t peak = 0;
  for (auto _ : state) {
    auto r = kSandbox.run(job);
    if (r) peak = r->peak_memory;
  }
  state.counters["peak_KiB"] = static_cast<double>(peak) / 1024.0;
}
BENCHMARK(BM_JsPeakMemory)->Unit(benchmark::kMicrosecond);

void BM_JsCheckSyntax(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(check_js_syntax(kLibraries[0].source));
}
BENCHMARK(BM_JsCheckSyntax)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
