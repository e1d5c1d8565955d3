// The Evaluate JS module: the call's variables in, the sandbox run, the results out. Part of
// Interpreter. The evaluation runs on the call's thread; its time limit (100 ms by default)
// bounds how long it holds the worker.
#include "flow/interpreter.h"

namespace keyline::flow {
namespace {

// The value of a variable path as an expression reads it ("order.items" walks into `order`).
Value read_variable(const Variables& variables, const std::string& path) {
  if (const Value* v = variables.find(path)) return *v;
  auto e = Expression::parse(path);  // a dotted name always parses
  if (!e) return Value();
  auto v = e->evaluate(variables);
  return v ? std::move(*v) : Value();
}

}  // namespace

void Interpreter::run_evaluate_js(const Module& module) {
  const auto& settings = std::get<EvaluateJsSettings>(module.settings);
  JsJob job;
  job.name = module.name;
  job.script = settings.script;
  job.function = settings.function;
  bool tainted = module.is_private;
  for (const auto& name : settings.inputs) {
    job.inputs.emplace_back(name, read_variable(variables_, name));
    tainted = tainted || job.inputs.back().second.is_private();
  }
  std::optional<std::string> argument_error;
  for (const auto& argument : settings.arguments) {
    auto v = argument.evaluate(variables_);
    if (!v) {
      argument_error = v.error().message;
      break;
    }
    tainted = tainted || v->is_private();
    job.arguments.push_back(std::move(*v));
  }
  // A private module's inputs are private to the sandbox too, so its error messages are
  // redacted like those of a private input.
  if (module.is_private) {
    for (auto& input : job.inputs) input.second.taint();
    for (auto& argument : job.arguments) argument.taint();
  }
  job.outputs = settings.outputs;

  Result<JsOutcome> outcome =
      argument_error
          ? Result<JsOutcome>(make_error("js_argument", module.name + ": " + *argument_error))
          : JsSandbox(settings.limits).run(job, app_.settings.js_libraries);
  if (outcome) {
    variables_.set_value(module.name, std::move(outcome->result), tainted);
    for (auto& [name, value] : outcome->outputs)
      variables_.set_value(name, std::move(value), tainted);
    record("success");
    take_exit("success");
    return;
  }
  // The message names the place and kind of the failure; with private inputs never a value.
  const Error& error = outcome.error();
  const std::string kind = error.kind.rfind("js_", 0) == 0 ? error.kind.substr(3) : error.kind;
  record("error:" + kind);
  variables_.set(module.name + "$.error", error.message);
  if (auto it = module.exits.find("error"); it != module.exits.end()) {
    go_to(it->second);
  } else {
    finish("error:evaluate_js " + error.message, true);
  }
}

}  // namespace keyline::flow
