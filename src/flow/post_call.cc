#include "flow/post_call.h"

#include "base/json_text.h"
#include "flow/rest_module.h"
#include "flow/secure_wipe.h"
#include "flow/soap_module.h"

namespace keyline::flow {
namespace {

void member(std::string& out, std::string_view name, std::string_view value) {
  if (out.size() > 1) out += ',';
  append_json_string(out, name);
  out += ':';
  append_json_string(out, value);
}

void member(std::string& out, std::string_view name, std::int64_t value) {
  if (out.size() > 1) out += ',';
  append_json_string(out, name);
  out += ':';
  out += std::to_string(value);
}

}  // namespace

namespace {

void set_session_facts(const PostCallFacts& facts, Variables& variables) {
  variables.set("session.id", facts.id);
  variables.set("session.start_unix_ms", std::to_string(facts.start_unix_ms));
  variables.set("session.end_unix_ms", std::to_string(facts.end_unix_ms));
  variables.set("session.exit_reason", facts.exit_reason);
  variables.set("session.app", facts.app);
  variables.set("session.revision", std::to_string(facts.revision));
}

}  // namespace

Result<WebRequest> build_recording_upload(const PostCallSettings& settings,
                                          const PostCallFacts& facts, Variables& variables) {
  if (!settings.recording) return make_error("post_call", "no recording upload is configured");
  set_session_facts(facts, variables);
  auto built = build_rest_request(*settings.recording, variables);
  if (!built) return built.error();
  WebRequest request = std::move(*built);
  request.module = "recording";
  request.aws_sigv4 = std::get<RestSettings>(settings.recording->settings).aws_sigv4;
  request.headers.emplace_back("Content-Type", "audio/wav");
  request.headers.emplace_back("Idempotency-Key", facts.id + "-recording");
  if (request.url.rfind("https://", 0) != 0) {
    wipe(request);
    return make_error("post_call", "a recording is uploaded over https:// only");
  }
  return request;
}

Result<WebRequest> build_post_call_request(const PostCallSettings& settings,
                                           const PostCallFacts& facts, Variables& variables,
                                           bool secure_app) {
  set_session_facts(facts, variables);
  Result<WebRequest> built = settings.shape == PostCallSettings::Shape::kSoap
                                 ? build_soap_request(settings.request, variables)
                                 : build_rest_request(settings.request, variables);
  if (!built) return built.error();
  WebRequest request = std::move(*built);
  request.module = "post_call";
  if (settings.shape == PostCallSettings::Shape::kRest) {
    bool used_private = false;
    std::string body = "{";
    member(body, "id", facts.id);
    member(body, "ani", facts.ani);
    member(body, "dnis", facts.dnis);
    member(body, "start_unix_ms", facts.start_unix_ms);
    member(body, "end_unix_ms", facts.end_unix_ms);
    member(body, "exit_reason", facts.exit_reason);
    member(body, "app", facts.app);
    member(body, "revision", facts.revision);
    body += ",\"params\":{";
    bool first = true;
    for (const auto& [name, text] : settings.params) {
      if (!first) body += ',';
      first = false;
      append_json_string(body, name);
      body += ':';
      std::string value = substitute(text, variables, &used_private);
      append_json_string(body, value);
      secure_wipe(value);
    }
    body += "}}";
    secure_wipe(request.body);
    request.body = std::move(body);
    if (used_private) request.carries_private = true;
  }
  // Every delivery attempt of this call's request has the same key, so a receiver that got an
  // attempt whose answer was lost can tell the retry is not a new call.
  request.headers.emplace_back("Idempotency-Key", facts.id);
  const bool https = request.url.rfind("https://", 0) == 0;
  if ((request.carries_private || secure_app) && !https) {
    wipe(request);
    return make_error("post_call", secure_app ? "a secure app's post_call URL must be https://"
                                              : "a private value may only be sent over https");
  }
  return request;
}

}  // namespace keyline::flow
