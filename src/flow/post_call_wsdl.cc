// The post-call web service's SOAP form with a WSDL URL (docs/apps.md, "Post-call web
// service"): the operation is applied to a copy of the settings when the call ends, with the
// WSDL the worker fetched (or cached), then the request is built as any SOAP post-call.
#include "flow/post_call.h"
#include "flow/soap_wsdl.h"

namespace keyline::flow {

const std::string& post_call_wsdl_url(const PostCallSettings& settings) {
  static const std::string none;
  if (settings.shape != PostCallSettings::Shape::kSoap || !settings.has_request) return none;
  const auto* soap = std::get_if<SoapSettings>(&settings.request.settings);
  return soap ? soap->wsdl_url : none;
}

Result<WebRequest> build_post_call_request_from_wsdl(const PostCallSettings& settings,
                                                     const Wsdl& wsdl, const PostCallFacts& facts,
                                                     Variables& variables, bool secure_app) {
  const auto* soap = std::get_if<SoapSettings>(&settings.request.settings);
  if (!soap) return make_error("post_call", "the post-call request is not SOAP");
  const WsdlOperation* op =
      wsdl.find(soap->operation, soap->wsdl_version ? std::optional(soap->version) : std::nullopt);
  if (!op)
    return make_error("post_call", "the WSDL has no SOAP operation '" + soap->operation + "'");
  PostCallSettings filled = settings;
  if (auto applied = apply_wsdl_operation(*op, std::get<SoapSettings>(filled.request.settings));
      !applied)
    return make_error("post_call", "the WSDL is not usable: " + applied.error().message);
  return build_post_call_request(filled, facts, variables, secure_app);
}

}  // namespace keyline::flow
