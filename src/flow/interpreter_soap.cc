// The SOAP module: the filled envelope goes to the host like a REST request (same egress and
// TLS rules); the answer's Body becomes the module variable, a fault takes the error exit with
// name$.fault. With a WSDL URL, the WSDL is fetched first (a GET through the same host path)
// unless the host's cache holds it. Part of Interpreter.
#include "flow/interpreter.h"
#include "flow/soap_module.h"
#include "flow/soap_wsdl.h"

namespace keyline::flow {

WsdlCache& Interpreter::wsdl_cache() {
  if (WsdlCache* shared = host_.wsdl_cache()) return *shared;
  if (!own_wsdl_cache_) own_wsdl_cache_ = std::make_unique<WsdlCache>();
  return *own_wsdl_cache_;
}

void Interpreter::run_soap(const Module& module) {
  const auto& s = std::get<SoapSettings>(module.settings);
  if (s.wsdl_url.empty()) {
    send_web_request(module, build_soap_request(module, variables_));
    return;
  }
  if (auto wsdl = wsdl_cache().find(s.wsdl_url, host_.wall_now())) {
    soap_send(module, *wsdl);
    return;
  }
  WebRequest fetch;
  fetch.module = module.name;
  fetch.method = "GET";
  fetch.url = s.wsdl_url;
  fetch.timeout = s.timeout;
  fetch.headers.emplace_back("Accept", "text/xml, application/xml");
  soap_wsdl_fetch_ = true;
  send_web_request(module, std::move(fetch));
}

// The WSDL arrived: parsed, cached, and the operation's request goes out.
void Interpreter::soap_wsdl_answered(const Module& module, WebResponse response) {
  const auto& s = std::get<SoapSettings>(module.settings);
  std::string problem;
  if (response.outcome != WebResponse::Outcome::kResponse) {
    problem = response.error.empty() ? "no response" : response.error;
  } else if (response.status < 200 || response.status >= 300) {
    problem = "HTTP status " + std::to_string(response.status);
  }
  if (!problem.empty()) {
    const bool timed_out = response.outcome == WebResponse::Outcome::kTimeout;
    wipe(response);
    rest_failed(module, timed_out ? "timeout" : "error",
                "the WSDL could not be fetched: " + problem);
    return;
  }
  auto parsed = parse_wsdl(response.body);
  wipe(response);
  if (!parsed) {
    rest_failed(module, "error", "the WSDL is not usable: " + parsed.error().message);
    return;
  }
  auto wsdl = std::make_shared<const Wsdl>(std::move(*parsed));
  wsdl_cache().store(s.wsdl_url, wsdl, host_.wall_now());
  soap_send(module, *wsdl);
}

void Interpreter::soap_send(const Module& module, const Wsdl& wsdl) {
  const auto& s = std::get<SoapSettings>(module.settings);
  const WsdlOperation* op =
      wsdl.find(s.operation, s.wsdl_version ? std::optional(s.version) : std::nullopt);
  if (!op) {
    rest_failed(module, "error", "the WSDL has no SOAP operation '" + s.operation + "'");
    return;
  }
  Module filled = module;
  if (auto applied = apply_wsdl_operation(*op, std::get<SoapSettings>(filled.settings)); !applied) {
    rest_failed(module, "error", "the WSDL is not usable: " + applied.error().message);
    return;
  }
  send_web_request(module, build_soap_request(filled, variables_));
}

void Interpreter::soap_answered(WebResponse response) {
  const Module& module = current();
  if (soap_wsdl_fetch_) {
    soap_wsdl_fetch_ = false;
    soap_wsdl_answered(module, std::move(response));
    return;
  }
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
