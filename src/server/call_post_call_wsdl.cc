// The post-call web service's SOAP form with a WSDL URL (docs/apps.md, "Post-call web
// service"). Part of CallSession. The sender's thread fetches no WSDL, so the worker makes the
// request when the call ends: from the WSDL in the worker's cache (shared with the SOAP
// modules, 10 minutes per URL), or else after fetching it with the worker's web client. The
// call is gone by the time the WSDL arrives, so what the request needs (the app, the facts and
// a copy of the call's variables) waits in memory with the fetch, is wiped when it is done,
// and never reaches the disk before the request is built (as for any post-call request, the
// sender then decides where it waits).
#include <algorithm>

#include "base/secure_wipe.h"
#include "flow/app_egress.h"
#include "flow/post_call.h"
#include "flow/soap_wsdl.h"
#include "server/call_session.h"

namespace keyline::server {
namespace {

// Everything the request needs once the WSDL is known; it outlives the call.
struct WsdlPostCall {
  std::shared_ptr<const flow::AppDocument> app;
  flow::PostCallFacts facts;
  flow::Variables variables;  // wiped by its destructor
  std::function<void(flow::WebRequest, const std::string&, const std::string&)> post_call;
  Logger& logger;

  void fail(const std::string& why) const {
    logger.error("post_call", "call " + facts.id + ": post-call request not sent: " + why);
  }

  void send(const flow::Wsdl& wsdl) {
    auto request = flow::build_post_call_request_from_wsdl(*app->settings.post_call, wsdl, facts,
                                                           variables, app->settings.secure);
    variables.wipe();
    if (!request) return fail(request.error().message);
    // The address may come from the WSDL: the app's own egress list narrows the server's.
    if (auto refusal = flow::app_egress_refusal(app->settings, request->url)) {
      flow::wipe(*request);
      return fail(*refusal);
    }
    post_call(std::move(*request), facts.id, "");
  }
};

}  // namespace

void CallSession::queue_post_call_wsdl(const flow::PostCallFacts& facts) {
  const flow::PostCallSettings& settings = *app_->settings.post_call;
  const std::string& url = flow::post_call_wsdl_url(settings);
  auto pending = std::make_shared<WsdlPostCall>(
      WsdlPostCall{app_, facts, flow::Variables(), ctx_.post_call, ctx_.logger});
  if (ctx_.wsdl) {
    if (auto wsdl = ctx_.wsdl->find(url, wall_now())) {
      pending->variables = interpreter_->variables();
      pending->send(*wsdl);
      return;
    }
  }
  if (auto refusal = flow::app_egress_refusal(app_->settings, url)) {
    pending->fail("the WSDL: " + *refusal);
    return;
  }
  // Copied only now: the fetch may outlive the call, whose own variables are wiped next.
  pending->variables = interpreter_->variables();
  const auto& soap = std::get<flow::SoapSettings>(settings.request.settings);
  flow::WebRequest fetch;
  fetch.method = "GET";
  fetch.url = url;
  fetch.timeout = soap.timeout;
  fetch.headers.emplace_back("Accept", "text/xml, application/xml");
  services::HttpRequest r = http_request_for(fetch);
  r.max_response_bytes = std::max(r.max_response_bytes, flow::kMaxWsdlBytes);
  flow::WsdlCache* cache = ctx_.wsdl;
  auto now = [] { return std::chrono::system_clock::now(); };
  ctx_.http.start(std::move(r), [pending, cache, url, now](services::HttpResponse response) {
    std::string problem;
    if (!response.ok()) {
      problem =
          std::string(services::http_error_name(response.error)) + ": " + response.error_message;
    } else if (response.status < 200 || response.status >= 300) {
      problem = "HTTP status " + std::to_string(response.status);
    }
    if (!problem.empty()) {
      secure_wipe(response.body);
      return pending->fail("the WSDL could not be fetched: " + problem);
    }
    auto parsed = flow::parse_wsdl(response.body);
    secure_wipe(response.body);
    if (!parsed) return pending->fail("the WSDL is not usable: " + parsed.error().message);
    auto wsdl = std::make_shared<const flow::Wsdl>(std::move(*parsed));
    if (cache) cache->store(url, wsdl, now());
    pending->send(*wsdl);
  });
}

}  // namespace keyline::server
