#include "flow/app_analysis.h"

#include <gtest/gtest.h>

#include "flow/app_graph.h"

namespace keyline::flow {
namespace {

AppDocument app_with(std::string_view modules, std::string_view extra_pages = "",
                     std::string_view top = "") {
  const std::string json = R"({"name": "t", )" + std::string(top) +
                           R"("pages": [{"name": "p", "modules": [)" + std::string(modules) + "]}" +
                           std::string(extra_pages) + "]}";
  auto app = parse_app(json, "t.json");
  EXPECT_TRUE(app.ok()) << app.error().message;
  return app.ok() ? std::move(app).value() : AppDocument{};
}

std::vector<std::string> problems(const AppDocument& app) {
  std::vector<std::string> out;
  for (const auto& p : analyze_app(app))
    out.push_back(std::to_string(p.pos.line) + ": " + p.message);
  return out;
}

TEST(AnalyzeApp, DemoIsClean) {
  auto app = load_app(KEYLINE_SOURCE_DIR "/examples/apps/demo.json");
  ASSERT_TRUE(app.ok());
  EXPECT_TRUE(problems(*app).empty());
}

TEST(AnalyzeApp, UnreachableAfterGotoAndExit) {
  auto app = app_with(R"(
    {"type": "goto_page", "name": "go", "page": "q"},
    {"type": "prompt", "name": "dead", "text": "x"})",
                      R"(, {"name": "q", "modules": [{"type": "exit", "name": "bye"},
                                                    {"type": "label", "name": "dead2"}]})");
  EXPECT_EQ(problems(app),
            (std::vector<std::string>{
                "3: module 'dead' on page 'p' can never be reached: no exit, option or page "
                "leads to it",
                "4: module 'dead2' on page 'q' can never be reached: no exit, option or page "
                "leads to it"}));
}

TEST(AnalyzeApp, VariableNeverSetAndSetOnlyOnSomePaths) {
  auto app = app_with(R"(
    {"type": "menu", "name": "m", "prompt": "1 or 2", "options": {"1": "ask", "2": "say"}},
    {"type": "digits", "name": "ask", "prompt": "Digits?"},
    {"type": "prompt", "name": "say", "text": "{{ask}} {{ghost}} {{session.id}} {{m}}"})");
  EXPECT_EQ(problems(app),
            (std::vector<std::string>{
                "4: module 'say' reads variable 'ask' before it is set on every path that leads "
                "here",
                "4: module 'say' reads variable 'ghost', which no module sets (declare app "
                "variables in the top-level \"variables\" object)"}));
}

TEST(AnalyzeApp, NoInputPathDoesNotSetTheValueButSetsShadows) {
  auto app = app_with(R"(
    {"type": "digits", "name": "d", "prompt": "?", "exits": {"noinput": "say"}},
    {"type": "prompt", "name": "say", "text": "{{d$.attempts}}"},
    {"type": "prompt", "name": "value", "text": "{{d}}", "exits": {"next": "say"}})");
  // `value` is reached only by d's success; `say` by both: only the shadow is always set.
  EXPECT_TRUE(problems(app).empty());
}

TEST(AnalyzeApp, SetVariableRowsExpressionsAndAppVariables) {
  auto app = app_with(R"(
    {"type": "set_variable", "name": "s", "rows": [
      {"name": "order.total", "expression": "price * 2"},
      {"name": "n", "expression": "len(order.items) + missing"}]},
    {"type": "call_log", "name": "log", "text": "{{order.total}} {{n}}"})",
                      "", R"("variables": {"price": 5, "order": {"items": []}}, )");
  EXPECT_EQ(problems(app),
            (std::vector<std::string>{"2: module 's' reads variable 'missing', which no module "
                                      "sets (declare app variables in the top-level "
                                      "\"variables\" object)"}));
}

TEST(AnalyzeApp, LoopsConvergeAndCounterSetsItsVariable) {
  auto app = app_with(R"(
    {"type": "counter", "name": "c", "limit": 3, "exits": {"under_limit": "again"}},
    {"type": "prompt", "name": "done", "text": "{{c}}", "exits": {"next": "end"}},
    {"type": "prompt", "name": "again", "text": "try {{c}}", "exits": {"next": "c"}},
    {"type": "exit", "name": "end"})");
  EXPECT_TRUE(problems(app).empty());
}

TEST(AppGraph, DotHasClustersNodesAndLabelledEdges) {
  auto app = app_with(R"(
    {"type": "menu", "name": "m", "private": true, "prompt": "?", "options": {"1": {"page": "q"}}})",
                      R"(, {"name": "q", "modules": [{"type": "exit", "name": "bye"}]})");
  const std::string dot = app_to_dot(app);
  EXPECT_EQ(dot.rfind("digraph \"t\" {", 0), 0u);
  EXPECT_NE(dot.find("subgraph cluster_0 {\n    label=\"p\";"), std::string::npos);
  EXPECT_NE(dot.find("\"p/m\" [label=\"m\\n(menu)\", style=dashed];"), std::string::npos);
  EXPECT_NE(dot.find("\"p/m\" -> \"q/bye\" [label=\"1\"];"), std::string::npos);
  EXPECT_NE(dot.find("\"start\" -> \"p/m\";"), std::string::npos);
  EXPECT_EQ(dot.back(), '\n');
}

}  // namespace
}  // namespace keyline::flow
