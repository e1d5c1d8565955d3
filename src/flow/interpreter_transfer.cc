// The Transfer module: an optional prompt, then the host transfers the call (blind or
// bridged) and reports how it ended; the module variable and its exit name that outcome.
#include <cmath>

#include "flow/interpreter.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {
namespace {

// A substituted header value or target must not be able to start a new header line.
bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string::npos; }

}  // namespace

void Interpreter::run_transfer(const Module& module) {
  const auto& settings = std::get<TransferSettings>(module.settings);
  // Keys typed ahead belong to no one once the call leaves the app.
  secure_wipe(typeahead_);
  if (settings.prompt.empty()) {
    start_transfer();
    return;
  }
  // Heard to its end: "please hold while we connect you" is not something to skip.
  play(settings.prompt, false, module.is_private, State::kTransferPrompt);
}

void Interpreter::start_transfer() {
  const Module& module = current();
  const auto& settings = std::get<TransferSettings>(module.settings);
  TransferRequest request;
  request.module = module.name;
  request.mode = settings.mode;
  request.dtmf = settings.dtmf;
  request.timeout = settings.timeout;
  request.max_duration = settings.max_duration;
  // The validator refuses private module variables here; this refuses what it cannot see
  // (a value a host or a script made private at run time), so nothing private reaches SIP.
  bool used_private = false;
  const std::string target = substitute(settings.target, variables_, &used_private);
  request.target = normalize_transfer_target(target);
  request.caller_id =
      normalize_transfer_target(substitute(settings.caller_id, variables_, &used_private));
  for (const auto& [name, value] : settings.headers)
    request.headers.emplace_back(name, substitute(value, variables_, &used_private));
  std::string problem;
  if (used_private) {
    problem = "a private value in the transfer's target, caller id or headers";
  } else if (auto bad = check_transfer_target(target); !bad.empty()) {
    problem = "the transfer target " + bad;  // the target is not private: it may be named
  } else if (!request.caller_id.empty() && !check_transfer_target(request.caller_id).empty()) {
    problem = "the transfer caller id is not a number or URI";
  } else {
    for (const auto& [name, value] : request.headers)
      if (has_line_break(value)) problem = "a line break in transfer header " + name;
  }
  steps_since_wait_ = 0;
  if (!problem.empty()) {
    TransferResult failed;
    failed.error = problem;
    transfer_finished(failed);
    return;
  }
  state_ = State::kTransfer;
  if (!host_.transfer(request)) {
    state_ = State::kIdle;
    TransferResult failed;
    failed.error = "this host cannot transfer calls";
    transfer_finished(failed);
  }
}

void Interpreter::transfer_finished(const TransferResult& result) {
  const Module& module = current();
  const std::string shadow = module.name + "$.";
  const std::string outcome(transfer_outcome_name(result.outcome));
  variables_.set(module.name, outcome);
  variables_.set_value(shadow + "duration", Value::number(std::round(result.duration * 10) / 10));
  variables_.set_value(shadow + "status", Value::number(result.status));
  if (result.outcome == TransferResult::Outcome::kError)
    variables_.set(shadow + "error", result.error);  // host or interpreter text, no values
  record(result.status ? outcome + ":" + std::to_string(result.status) : outcome);
  if (auto it = module.exits.find(outcome); it != module.exits.end()) {
    go_to(it->second);
    return;
  }
  switch (result.outcome) {
    case TransferResult::Outcome::kDone:
      // Blind: the caller talks to the target now; our leg ends (BYE) unless the app wired
      // `done` to do something first.
      finish("transferred", true);
      return;
    case TransferResult::Outcome::kFarEndDisconnect:
    case TransferResult::Outcome::kMaxTimeDisconnect:
      next_module();  // the caller is back in the app
      return;
    case TransferResult::Outcome::kNoAnswer:
    case TransferResult::Outcome::kBusy:
      finish("transfer_" + outcome, true);
      return;
    case TransferResult::Outcome::kError:
      finish("error:transfer failed: " + result.error, true);
      return;
  }
}

}  // namespace keyline::flow
