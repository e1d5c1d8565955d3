// Reader for "settings.post_call" (docs/apps.md, "Post-call web service").
#include "flow/app_module_readers.h"
#include "flow/post_call.h"

namespace keyline::flow {
namespace {

// The REST shape of the post-call request (recording: false) or of the recording upload
// (recording: true, PUT by default, no params, no body of its own).
RestSettings read_rest_shape(ValueReader& r, ObjectReader& obj, bool recording, bool url_required,
                             std::vector<std::pair<std::string, std::string>>* params) {
  RestSettings rest;
  rest.method = recording ? RestMethod::kPut : RestMethod::kPostRaw;
  rest.return_type = RestReturnType::kEmpty;
  if (!recording) rest.body = "{}";  // replaced by the facts and params when the call ends
  const char* what = recording ? "post_call.recording" : "post_call";
  if (auto n = obj.get("method")) {
    std::string m;
    if (r.read_string(*n, "method", m)) {
      if (m == "PUT") {
        rest.method = RestMethod::kPut;
      } else if (m == "POST") {
        rest.method = RestMethod::kPostRaw;
      } else {
        r.diagnostics().add(pos_of(*n),
                            std::string("'method' of ") + what + " must be POST or PUT");
      }
    }
  }
  auto url = obj.get("url");
  if (!url && url_required) r.diagnostics().add(obj.pos(), std::string(what) + " needs 'url'");
  if (url && r.read_text(*url, "url", rest.url)) {
    const bool http = rest.url.rfind("https://", 0) == 0 || rest.url.rfind("http://", 0) == 0;
    if (!http && rest.url.rfind("{{", 0) != 0)
      r.diagnostics().add(pos_of(*url), "'url' must start with https:// (or http://)");
  }
  if (auto n = obj.get("headers")) read_header_pairs(r, *n, "headers", rest.headers);
  if (params) {
    if (auto n = obj.get("params")) read_header_pairs(r, *n, "params", *params);
  }
  if (auto n = obj.get("timeout_ms")) r.read_ms(*n, "timeout_ms", 100, 120000, rest.timeout);
  if (auto n = obj.get("auth")) {
    ObjectReader auth(*n, std::string("'auth' of ") + what, r.diagnostics());
    if (auth.is_object()) {
      std::string type;
      if (auto t = auth.required("type")) r.read_string(*t, "type", type);
      auto user = auth.get("user");
      auto password = auth.get("password");
      auto token = auth.get("token");
      if (type == "basic" && user) {
        rest.auth = RestSettings::Auth::kBasic;
        r.read_text(*user, "user", rest.auth_user);
        if (password) r.read_text(*password, "password", rest.auth_password);
      } else if (type == "bearer" && token) {
        rest.auth = RestSettings::Auth::kBearer;
        r.read_text(*token, "token", rest.auth_token);
      } else if (type == "oauth2") {
        rest.oauth2 = read_oauth2(r, auth);
      } else if (type == "aws_sigv4" && recording) {
        rest.aws_sigv4 = read_aws_sigv4(r, auth);  // app_recording_upload.cc
      } else {
        r.diagnostics().add(auth.pos(),
                            "'auth' must be {\"type\": \"basic\", \"user\", \"password\"}, "
                            "{\"type\": \"bearer\", \"token\"} or {\"type\": \"oauth2\", ...}" +
                                std::string(recording ? " or {\"type\": \"aws_sigv4\", ...}" : ""));
      }
      auth.finish();
    }
  }
  return rest;
}

}  // namespace

OAuth2Settings read_oauth2(ValueReader& r, ObjectReader& auth) {
  OAuth2Settings out;
  if (auto n = auth.required("token_url")) {
    if (r.read_string(*n, "token_url", out.token_url) && out.token_url.rfind("https://", 0) != 0)
      r.diagnostics().add(pos_of(*n), "'token_url' must start with https://");
  }
  if (auto n = auth.required("client_id")) r.read_string(*n, "client_id", out.client_id);
  if (auto n = auth.required("client_secret")) {
    if (r.read_string(*n, "client_secret", out.client_secret) &&
        out.client_secret.rfind("env:", 0) != 0 && out.client_secret.rfind("file:", 0) != 0) {
      // Never the secret itself in an app document (which is stored, exported and shown).
      out.client_secret.clear();
      r.diagnostics().add(pos_of(*n),
                          "'client_secret' must be \"env:NAME\" or \"file:PATH\" (a reference "
                          "the server resolves), never the secret itself");
    }
  }
  if (auto n = auth.get("scope")) r.read_string(*n, "scope", out.scope);
  return out;
}

void read_post_call(ValueReader& r, const YAML::Node& node, AppSettings& settings) {
  ObjectReader obj(node, "settings.post_call", r.diagnostics());
  if (!obj.is_object()) return;
  auto out = std::make_shared<PostCallSettings>();
  out->pos = pos_of(node);
  out->request.name = "post_call";
  out->request.pos = out->pos;
  std::string type = "rest";
  if (auto n = obj.get("type")) r.read_string(*n, "type", type);
  if (auto n = obj.get("recording")) {
    ObjectReader rec(*n, "settings.post_call.recording", r.diagnostics());
    if (rec.is_object()) {
      Module upload;
      upload.name = "recording";
      upload.pos = rec.pos();
      upload.settings = read_rest_shape(r, rec, true, true, nullptr);
      out->recording = std::move(upload);
      rec.finish();
    }
  }
  if (type == "soap") {
    out->shape = PostCallSettings::Shape::kSoap;
    out->request.settings = read_soap(r, obj);
    // A WSDL URL is fetched by the worker when the call ends (server/call_post_call_wsdl.cc).
  } else {
    if (type != "rest") r.diagnostics().add(obj.pos(), "'type' of post_call must be rest or soap");
    // Only a recording upload: "url" may be left out.
    out->has_request = obj.get("url").has_value() || !out->recording;
    out->request.settings = read_rest_shape(r, obj, false, !out->recording, &out->params);
  }
  obj.finish();
  settings.post_call = std::move(out);
}

}  // namespace keyline::flow
