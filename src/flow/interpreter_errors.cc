// Global error handling (docs/apps.md, "Global error handling"): an input module has asked
// `retries` times more and its noinput/nomatch exit is not wired, so the app's policy decides:
// hang up (after an optional goodbye), or go to a page/module, or hand the call to the module
// that transfers it.
#include "flow/interpreter.h"

namespace keyline::flow {

void Interpreter::apply_error_policy(const std::string& exit_name) {
  const ErrorPolicy& policy = app_.settings.errors;
  if (policy.given) {
    // The call log shows which rule moved the call, never a value.
    std::string shown = "hangup";
    if (policy.action == ErrorPolicy::Action::kGoto) {
      shown = "goto:" + policy.target_page + "/" + policy.target_module;
    } else if (policy.action == ErrorPolicy::Action::kTransfer) {
      shown = "transfer:" + policy.target_module;
    }
    visits_.push_back(ModuleVisit{page_->name, current().name, "errors", exit_name + " " + shown});
  }
  if (policy.given && !policy.prompt.empty()) {
    play(policy.prompt, false, false, State::kErrorPrompt);
    return;
  }
  error_prompt_done();
}

void Interpreter::error_prompt_done() {
  state_ = State::kIdle;
  const ErrorPolicy& policy = app_.settings.errors;
  if (!policy.given || policy.action == ErrorPolicy::Action::kHangup) {
    finish("max_retries", true);
    return;
  }
  go_to(Target{policy.target_page, policy.target_module, policy.target_pos});
}

}  // namespace keyline::flow
