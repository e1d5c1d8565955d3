#include "server/graph_command.h"

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "flow/app_document.h"
#include "flow/app_graph.h"
#include "flow/graph_render.h"

namespace keyline::server {

int run_graph_command(int argc, char** argv, std::ostream& out, std::ostream& err) {
  constexpr const char* kUsage =
      "usage: keyline graph APP.json [--svg | --format dot|svg] [--out FILE]\n";
  std::vector<std::string> positional;
  std::string format = "dot";
  std::optional<std::string> out_path;
  for (int i = 2; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const std::string& name) -> std::optional<std::string> {
      if (arg.rfind(name + "=", 0) == 0) return arg.substr(name.size() + 1);
      if (arg == name && i + 1 < argc) return std::string(argv[++i]);
      return std::nullopt;
    };
    if (arg == "--svg") {
      format = "svg";
    } else if (arg.rfind("--format", 0) == 0) {
      auto v = value("--format");
      if (!v || (*v != "dot" && *v != "svg")) {
        err << "keyline graph: --format takes dot or svg\n" << kUsage;
        return 2;
      }
      format = *v;
    } else if (arg.rfind("--out", 0) == 0) {
      out_path = value("--out");
      if (!out_path || out_path->empty()) {
        err << "keyline graph: --out needs a file name\n" << kUsage;
        return 2;
      }
    } else if (arg.rfind("--", 0) == 0) {
      err << "keyline graph: unknown option " << arg << "\n" << kUsage;
      return 2;
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.size() != 1) {
    err << "keyline graph: give one app document (APP.json)\n" << kUsage;
    return 2;
  }
  auto app = flow::load_app(positional[0]);
  if (!app) {
    err << app.error().message << "\n";
    return 1;
  }
  std::string text = flow::app_to_dot(*app);
  if (format == "svg") {
    auto svg = flow::dot_to_svg(text);
    if (!svg) {
      err << "keyline graph: " << svg.error().message << "\n";
      return 1;
    }
    text = std::move(*svg);
  }
  if (!out_path) {
    out << text;
    return out.good() ? 0 : 1;
  }
  std::ofstream file(*out_path, std::ios::binary | std::ios::trunc);
  file << text;
  file.close();
  if (!file) {
    err << "keyline graph: cannot write " << *out_path << "\n";
    return 1;
  }
  return 0;
}

}  // namespace keyline::server
