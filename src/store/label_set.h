// A set of deployment labels as ONE query parameter (issue 9: which calls a caller may read),
// so the call-log and report queries keep a fixed number of parameters however many
// deployments a caller sees: ",a,b," — a call's deployment d is in it when ",d," occurs
// (SQLite instr, PostgreSQL strpos). Labels holding a ',' are left out: they could not be
// told apart (the API's labels never do; only a config file's could).
#pragma once

#include <string>
#include <vector>

namespace keyline::store {

inline std::string label_set(const std::vector<std::string>& labels) {
  std::string out = ",";
  for (const auto& l : labels) {
    if (l.empty() || l.find(',') != std::string::npos) continue;
    out += l;
    out += ',';
  }
  return out;
}

}  // namespace keyline::store
