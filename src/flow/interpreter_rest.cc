// The REST module: hand the request to the host, wait, store the answer in the module
// variable and take success / error / timeout. Part of Interpreter.
#include "flow/app_egress.h"
#include "flow/interpreter.h"
#include "flow/rest_module.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {

void Interpreter::run_rest(const Module& module) {
  send_web_request(module, build_rest_request(module, variables_));
}

// REST and SOAP: a built request (or why it could not be built) goes to the host.
void Interpreter::send_web_request(const Module& module, Result<WebRequest> request) {
  if (!request) {
    rest_failed(module, "error", request.error().message);
    return;
  }
  // The app's own rules (https only in a secure app, its egress list) before anything leaves;
  // the host applies the server's egress list after them.
  if (auto refusal = app_egress_refusal(app_.settings, request->url)) {
    wipe(*request);
    rest_failed(module, "error", *refusal);
    return;
  }
  // A secure app's requests are handled like private ones by the host: https only, never
  // logged.
  if (app_.settings.secure) request->carries_private = true;
  state_ = State::kWebRequest;
  steps_since_wait_ = 0;
  host_.web_request(*request);
  wipe(*request);
}

void Interpreter::rest_answered(WebResponse response) {
  const Module& module = current();
  const auto& settings = std::get<RestSettings>(module.settings);
  if (response.outcome != WebResponse::Outcome::kResponse) {
    const bool timed_out = response.outcome == WebResponse::Outcome::kTimeout;
    const std::string message = response.error.empty() ? "no response" : response.error;
    wipe(response);
    rest_failed(module, timed_out ? "timeout" : "error", message);
    return;
  }
  RestResult result = read_rest_response(settings, response, module.is_private);
  const int status = response.status;
  wipe(response);
  variables_.set_value(module.name, std::move(result.value), module.is_private);
  variables_.set_value(module.name + "$.headers", std::move(result.headers), module.is_private);
  variables_.set_value(module.name + "$.status", Value::number(status));
  const bool success = status >= 200 && status < 300 && result.problem.empty();
  if (!result.problem.empty()) variables_.set(module.name + "$.error", result.problem);
  if (!success && result.problem.empty())
    variables_.set(module.name + "$.error", "HTTP status " + std::to_string(status));
  // The status code says nothing about the values, so it is logged even for a private module.
  const std::string exit = success ? "success" : "error";
  record(exit + ":" + std::to_string(status));
  if (success) {
    take_exit("success");
  } else if (auto it = module.exits.find("error"); it != module.exits.end()) {
    go_to(it->second);
  } else {
    finish("error:rest " + module.name + ": " +
               (result.problem.empty() ? "HTTP status " + std::to_string(status) : result.problem),
           true);
  }
}

// No usable response: `exit` is "timeout" or "error". An unwired timeout exit falls back to
// the error exit; with neither wired the call ends with the reason.
void Interpreter::rest_failed(const Module& module, std::string_view exit,
                              const std::string& message) {
  if (module.type() == ModuleType::kAssistant) {  // a turn's request could not go out
    assistant_failed(message);
    return;
  }
  Value::Map empty;
  empty.emplace_back("status", Value::number(0));
  empty.emplace_back("data", Value());
  variables_.set_value(module.name, Value::map(std::move(empty)), module.is_private);
  variables_.set_value(module.name + "$.status", Value::number(0));
  variables_.set(module.name + "$.error", message);
  record(std::string(exit));
  auto it = module.exits.find(std::string(exit));
  if (it == module.exits.end()) it = module.exits.find("error");
  if (it != module.exits.end()) {
    go_to(it->second);
    return;
  }
  finish(
      "error:" + std::string(module_type_name(module.type())) + " " + module.name + ": " + message,
      true);
}

}  // namespace keyline::flow
