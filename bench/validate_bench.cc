// `keyline validate` on a generated 1,000-module app (issue 6 target: < 50 ms): the loader
// (syntax check, typed read, links), the whole-app analysis (reachability, variables read
// before set) and the privacy audit — the three steps validate runs per document — on an
// app shaped like a real one: 100 pages of prompts, entries (some confirmed), Set Variable,
// Compare, Counter, Call Log, Menu, Yes/No and Go To Page, with a global error policy.
#include <benchmark/benchmark.h>

#include <string>

#include "flow/app_analysis.h"
#include "flow/app_document.h"
#include "flow/privacy_audit.h"

namespace {

using namespace keyline::flow;

std::string page_json(int i, int pages) {
  const std::string p = "p" + std::to_string(i);
  const std::string next = i + 1 < pages ? "p" + std::to_string(i + 1) : "help";
  const std::string t = "t" + std::to_string(i);
  std::string j = R"({"name": ")" + p + R"(", "modules": [)";
  j += R"({"type": "prompt", "name": ")" + p + R"(_hello", "text": "Step )" + std::to_string(i) +
       R"(, {{caller_name}}."},)";
  j += R"({"type": "digits", "name": ")" + p + R"(_acct", "min_digits": 4, "max_digits": 8,
          "prompt": "Your number?", "private": )" +
       std::string(i % 4 == 0 ? "true" : "false") +
       (i % 2 == 0
            ? (i % 4 == 0 ? R"(, "confirm": {"read_back": "masked"})" : R"(, "confirm": true)")
            : "") +
       "},";
  j += R"({"type": "set_variable", "name": ")" + p + R"(_calc", "rows": [{"name": ")" + t +
       R"(", "expression": "len()" + p + R"(_acct) * 2 + 1"}]},)";
  j += R"({"type": "compare_variable", "name": ")" + p + R"(_cmp", "compare_as": "number",
          "conditions": [{"variable": ")" +
       t + R"(", "operator": ">", "value": "12", "goto": ")" + p + R"(_big"}]},)";
  j += R"({"type": "counter", "name": ")" + p + R"(_count", "limit": 3},)";
  j += R"({"type": "call_log", "name": ")" + p + R"(_log", "text": "acct {{)" + p +
       R"(_acct}} total {{)" + t + R"(}}"},)";
  j += R"({"type": "menu", "name": ")" + p + R"(_menu", "prompt": "1 next, 2 more.",
          "options": {"1": {"page": ")" +
       next + R"("}, "2": ")" + p + R"(_big"}},)";
  j += R"({"type": "prompt", "name": ")" + p + R"(_big", "text": "Total {{)" + t + R"(}}."},)";
  j += R"({"type": "yes_no", "name": ")" + p + R"(_yn", "prompt": "Go on?",
          "exits": {"yes": {"page": ")" +
       next + R"("}, "no": {"page": "help"}}},)";
  j += R"({"type": "goto_page", "name": ")" + p + R"(_next", "page": ")" + next + R"("}]})";
  return j;
}

// 100 pages of 10 modules, and a help page of 2: 1,002 modules.
std::string big_app() {
  constexpr int kPages = 100;
  std::string json = R"({"name": "big", "variables": {"caller_name": "there"},
    "settings": {"errors": {"action": "goto", "target": {"page": "help"},
                            "prompt": "Let me help."}},
    "pages": [)";
  for (int i = 0; i < kPages; ++i) json += page_json(i, kPages) + ",";
  return json + R"({"name": "help", "modules": [
      {"type": "prompt", "name": "help_text", "text": "Goodbye."},
      {"type": "exit", "name": "help_end"}]}]})";
}

const std::string& app_text() {
  static const std::string text = big_app();
  return text;
}

int module_count(const AppDocument& app) {
  int n = 0;
  for (const auto& page : app.pages) n += static_cast<int>(page.modules.size());
  return n;
}

void BM_Validate1000Modules(benchmark::State& state) {
  {
    auto app = parse_app(app_text(), "big.json");
    if (!app) {
      state.SkipWithError(app.error().message.c_str());
      return;
    }
    state.counters["modules"] = module_count(*app);
    state.counters["problems"] = static_cast<double>(analyze_app(*app).size());
  }
  for (auto _ : state) {
    auto app = parse_app(app_text(), "big.json");
    benchmark::DoNotOptimize(analyze_app(*app));
    benchmark::DoNotOptimize(audit_app(*app));
  }
}
BENCHMARK(BM_Validate1000Modules)->Unit(benchmark::kMillisecond);

void BM_Load1000(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_app(app_text(), "big.json"));
}
BENCHMARK(BM_Load1000)->Unit(benchmark::kMillisecond);

void BM_Analyze1000(benchmark::State& state) {
  auto app = parse_app(app_text(), "big.json");
  for (auto _ : state) benchmark::DoNotOptimize(analyze_app(*app));
}
BENCHMARK(BM_Analyze1000)->Unit(benchmark::kMillisecond);

void BM_Audit1000(benchmark::State& state) {
  auto app = parse_app(app_text(), "big.json");
  for (auto _ : state) benchmark::DoNotOptimize(audit_app(*app));
}
BENCHMARK(BM_Audit1000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
