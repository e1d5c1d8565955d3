// The SOAP module: the filled envelope goes to the host like a REST request (same egress and
// TLS rules); the answer's Body becomes the module variable, a fault takes the error exit with
// name$.fault. Part of Interpreter.
#include "flow/interpreter.h"
#include "flow/soap_module.h"

namespace keyline::flow {

void Interpreter::run_soap(const Module& module) {
  send_web_request(module, build_soap_request(module, variables_));
}

void Interpreter::soap_answered(WebResponse response) {
  const Module& module = current();
  if (response.outcome != WebResponse::Outcome::kResponse) {
    const bool timed_out = response.outcome == WebResponse::Outcome::kTimeout;
    const std::string message = response.error.empty() ? "no response" : response.error;
    wipe(response);
    rest_failed(module, timed_out ? "timeout" : "error", message);
    return;
  }
  SoapResult result = read_soap_response(response, module.is_private);
  const int status = response.status;
  wipe(response);
  variables_.set_value(module.name, std::move(result.value), module.is_private);
  variables_.set_value(module.name + "$.status", Value::number(status));
  variables_.set_value(module.name + "$.fault", std::move(result.fault), module.is_private);
  // A fault arrives with HTTP 500 (SOAP 1.1) or 4xx/5xx (1.2): the fault is what matters.
  std::string problem = result.problem;
  if (problem.empty() && result.is_fault)
    problem = "SOAP fault" + (module.is_private ? std::string() : ": " + result.fault_string);
  if (problem.empty() && (status < 200 || status >= 300))
    problem = "HTTP status " + std::to_string(status);
  variables_.set(module.name + "$.error", problem);
  const bool success = problem.empty();
  record((success ? "success:" : "error:") + std::to_string(status));
  if (success) {
    take_exit("success");
  } else if (auto it = module.exits.find("error"); it != module.exits.end()) {
    go_to(it->second);
  } else {
    finish("error:soap " + module.name + ": " + problem, true);
  }
}

}  // namespace keyline::flow
