// The post-call web service (docs/apps.md, "Post-call web service"): one request per call,
// made when the call ends (hang-up or Exit), carrying the session's facts and the app's
// configured parameters. The host queues it durably and retries it until it is delivered (or
// too old); this file only says what the request is.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "flow/app_document.h"
#include "flow/variables.h"
#include "flow/web_request.h"

namespace keyline::flow {

struct Wsdl;  // flow/soap_wsdl.h

struct PostCallSettings {
  // kRest: a JSON document {id, ani, dnis, start_unix_ms, end_unix_ms, exit_reason, app,
  // revision, params: {...}} by POST or PUT. kSoap: the app's envelope template, whose
  // placeholders may use the session facts (session.exit_reason, ...) and any variable.
  enum class Shape { kRest, kSoap } shape = Shape::kRest;
  // A REST (method POST_RAW or PUT) or SOAP module named "post_call": the URL, headers, auth
  // and timeout the request is built from, with the REST and SOAP modules' own builders.
  Module request;
  // REST: "params" rows, name -> text with {{placeholders}}, sent as the "params" object.
  std::vector<std::pair<std::string, std::string>> params;
  SourcePos pos;
  // False when "post_call" only says where the recording goes (no "url" of its own).
  bool has_request = true;
  // "recording": where the finished whole-call recording (settings.record_call) is uploaded: a
  // REST module (PUT, or POST_RAW) whose body the host fills with the WAV file. The host
  // deletes the local file once the upload got a 2xx answer.
  std::optional<Module> recording;
};

// What the host knows about the call when it ends.
struct PostCallFacts {
  std::string id;  // session.id: also the request's Idempotency-Key
  std::string ani;
  std::string dnis;
  std::int64_t start_unix_ms = 0;
  std::int64_t end_unix_ms = 0;
  std::string exit_reason;
  std::string app;
  int revision = 0;  // the stored app revision (0: an app from the config's apps_dir)
};

// The request for a call that ended. First stores the facts as session variables
// (session.start_unix_ms, session.end_unix_ms, session.exit_reason, session.app,
// session.revision) so headers, the URL and a SOAP envelope can use them. carries_private is
// set when a private value went in; such a request (and every request of a secure app) goes
// over https only, and fails here when its URL is plain http.
Result<WebRequest> build_post_call_request(const PostCallSettings& settings,
                                           const PostCallFacts& facts, Variables& variables,
                                           bool secure_app);

// A SOAP post-call request whose `wsdl` is a URL (the sender fetches no WSDL, so the worker
// fetches it when the call ends, or finds it in its cache): the URL, or "" for any other.
const std::string& post_call_wsdl_url(const PostCallSettings& settings);

// As build_post_call_request, with the envelope, action, version and (unless `url` is given)
// address of `operation` in `wsdl` (flow/soap_wsdl.h). Errors: the WSDL has no such SOAP
// operation, or not a parameter the module gives.
Result<WebRequest> build_post_call_request_from_wsdl(const PostCallSettings& settings,
                                                     const Wsdl& wsdl, const PostCallFacts& facts,
                                                     Variables& variables, bool secure_app);

// The upload of the call's recording (settings.recording must be set), without its body:
// Content-Type audio/wav and Idempotency-Key "<session id>-recording". A recording is a
// caller's voice: https:// only, whatever the app says.
Result<WebRequest> build_recording_upload(const PostCallSettings& settings,
                                          const PostCallFacts& facts, Variables& variables);

}  // namespace keyline::flow
