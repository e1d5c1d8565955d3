#include "flow/scripted_callee.h"

namespace keyline::flow {

namespace {
constexpr const char* kVariable = "session.connection.callee_type";
}

bool valid_callee_type(std::string_view type) {
  return type == "voice" || type == "answeringmachine" || type == "fax" || type == "unknown";
}

void ScriptedCallee::start(Variables& session) const {
  if (active()) session.set(kVariable, "processing");
}

void ScriptedCallee::on_play_done(Variables& variables) {
  if (!active() || decided_) return;
  decided_ = true;
  variables.set(kVariable, type_);
}

}  // namespace keyline::flow
