// keyline graph --svg: the DOT drawn by Graphviz is well-formed SVG with one cluster per page and
// one labelled edge per exit, and nothing but module names, types and exit names in it.
#include <gtest/gtest.h>

#include <filesystem>
#include <pugixml.hpp>

#include "flow/app_analysis.h"
#include "flow/app_document.h"
#include "flow/app_graph.h"
#include "flow/graph_render.h"

namespace keyline::flow {
namespace {

std::string attr_class(const pugi::xml_node& n) { return n.attribute("class").as_string(); }

struct SvgShape {
  int clusters = 0;
  std::vector<std::string> cluster_titles;
  std::vector<std::string> edge_labels;
  int nodes = 0;
};

void walk(const pugi::xml_node& node, SvgShape& shape) {
  for (const auto& child : node.children()) {
    if (std::string(child.name()) == "g") {
      const std::string cls = attr_class(child);
      if (cls == "cluster") {
        ++shape.clusters;
      } else if (cls == "edge") {
        std::string label;
        for (const auto& t : child.children("text")) label += t.child_value();
        shape.edge_labels.push_back(label);
      } else if (cls == "node") {
        ++shape.nodes;
      }
    }
    walk(child, shape);
  }
}

// Every edge the DOT has: the start arrow (unlabelled) and one per flow edge.
std::vector<std::string> expected_labels(const AppDocument& app) {
  std::vector<std::string> out;
  for (const auto& page : app.pages)
    for (std::size_t i = 0; i < page.modules.size(); ++i)
      for (const auto& edge : flow_edges(app, page, i)) out.push_back(edge.label);
  std::sort(out.begin(), out.end());
  return out;
}

void check_svg(const AppDocument& app, const std::string& svg) {
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(svg.data(), svg.size());
  ASSERT_TRUE(parsed) << parsed.description();
  ASSERT_STREQ(doc.document_element().name(), "svg");
  SvgShape shape;
  walk(doc.document_element(), shape);
  EXPECT_EQ(shape.clusters, static_cast<int>(app.pages.size()));
  std::size_t modules = 0;
  for (const auto& p : app.pages) modules += p.modules.size();
  const bool has_start = !app.pages.empty();
  EXPECT_EQ(shape.nodes, static_cast<int>(modules) + (has_start ? 1 : 0));
  // Drop the start arrow's empty label, then compare as multisets.
  std::vector<std::string> labels;
  for (auto& l : shape.edge_labels)
    if (!l.empty()) labels.push_back(l);
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, expected_labels(app));
  EXPECT_EQ(shape.edge_labels.size(), labels.size() + (has_start ? 1u : 0u));
}

TEST(GraphSvg, EveryExampleAppDrawsOneClusterPerPageAndALabelledEdgePerExit) {
  int drawn = 0;
  for (const auto& entry :
       std::filesystem::directory_iterator(KEYLINE_SOURCE_DIR "/examples/apps")) {
    if (entry.path().extension() != ".json") continue;
    auto app = load_app(entry.path().string());
    ASSERT_TRUE(app) << entry.path() << ": " << app.error().message;
    auto svg = dot_to_svg(app_to_dot(*app));
    ASSERT_TRUE(svg) << svg.error().message;
    SCOPED_TRACE(entry.path().string());
    check_svg(*app, *svg);
    ++drawn;
  }
  EXPECT_GE(drawn, 5);
}

TEST(GraphSvg, NamesWithMarkupAreEscapedAndPrivateValuesNeverDrawn) {
  const std::string json = R"({"name": "t<&>", "start_page": "p&q", "pages": [
    {"name": "p&q", "modules": [
      {"type": "digits", "name": "card", "private": true, "min_digits": 16, "max_digits": 16,
       "prompt": "Card 4111111111111111 please",
       "exits": {"noinput": "bye", "nomatch": "bye"}},
      {"type": "set_variable", "name": "keep", "rows": [
         {"name": "canary", "expression": "'sekrit-canary-77'"}]},
      {"type": "prompt", "name": "say", "text": "Your PIN is 9731",
       "exits": {"next": {"page": "end\"page"}}},
      {"type": "exit", "name": "bye"}]},
    {"name": "end\"page", "modules": [{"type": "exit", "name": "done"}]}]})";
  auto app = parse_app(json, "t.json");
  ASSERT_TRUE(app) << app.error().message;
  const std::string dot = app_to_dot(*app);
  auto svg = dot_to_svg(dot);
  ASSERT_TRUE(svg) << svg.error().message;
  check_svg(*app, *svg);
  for (const char* secret : {"4111111111111111", "sekrit-canary-77", "9731", "please"}) {
    EXPECT_EQ(dot.find(secret), std::string::npos) << secret;
    EXPECT_EQ(svg->find(secret), std::string::npos) << secret;
  }
  EXPECT_NE(svg->find("p&amp;q"), std::string::npos);
}

TEST(GraphSvg, BadDotIsAnErrorNotACrash) {
  auto svg = dot_to_svg("digraph { a -> ");
  ASSERT_FALSE(svg);
  EXPECT_EQ(svg.error().kind, "graph");
  EXPECT_FALSE(dot_to_svg(""));
}

}  // namespace
}  // namespace keyline::flow
