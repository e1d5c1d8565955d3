#include "flow/app_diagnostics.h"

#include <algorithm>

namespace keyline::flow {

void AppDiagnostics::add(SourcePos pos, std::string message) {
  problems_.push_back(Problem{pos, std::move(message)});
}

std::string AppDiagnostics::text() const {
  std::vector<Problem> sorted = problems_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Problem& a, const Problem& b) {
    return a.pos.line != b.pos.line ? a.pos.line < b.pos.line : a.pos.column < b.pos.column;
  });
  std::string out;
  for (const auto& p : sorted) {
    if (!out.empty()) out += '\n';
    out += file_name_ + ':' + std::to_string(p.pos.line) + ':' + std::to_string(p.pos.column) +
           ": " + p.message;
  }
  return out;
}

}  // namespace keyline::flow
