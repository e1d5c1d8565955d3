// Subdialog (docs/apps.md, "subdialog"): fetch an app document from a web service, validate
// it, and run it as a sub-app exactly as Go To App runs a stored one (interpreter_goto_app.cc):
// the session variables and variables_in go in, variables_out come back as <module>.<name>.
// The fetch is an ordinary web request of the host (same egress, TLS and OAuth2 rules as the
// REST module); a document is fetched once per call and URL, then reused for the call.
#include <algorithm>

#include "base/json_text.h"
#include "flow/app_egress.h"
#include "flow/interpreter.h"
#include "flow/rest_module.h"
#include "flow/secure_wipe.h"

namespace keyline::flow {
namespace {

// The cache key of a fetched document ("subdialog:GET https://...").
std::string cache_key(const SubdialogSettings& s, const std::string& url) {
  return std::string("subdialog:") +
         (s.method == SubdialogSettings::Method::kGet ? "GET " : "POST ") + url;
}

// The URL with its placeholders: as they are in scheme://host:port, URL-encoded after it.
std::string fill_url(const std::string& url, const Variables& variables, bool* used_private) {
  const std::string_view text = url;
  const auto scheme = text.find("://");
  std::size_t boundary =
      text.find_first_of("/?#", scheme == std::string_view::npos ? 0 : scheme + 3);
  if (boundary == std::string_view::npos) boundary = text.size();
  const std::function<std::string(std::string_view)> encode = url_encode;
  std::string out = substitute(text.substr(0, boundary), variables, used_private);
  std::string rest = substitute_encoded(text.substr(boundary), variables, encode, used_private);
  out += rest;
  secure_wipe(rest);
  return out;
}

}  // namespace

void Interpreter::run_subdialog(const Module& module) {
  const auto& s = std::get<SubdialogSettings>(module.settings);
  if (depth_ + 1 >= kMaxSubAppDepth) {
    subdialog_failed(module, "error",
                     "apps call apps more than " + std::to_string(kMaxSubAppDepth) + " deep");
    return;
  }
  bool used_private = module.is_private;
  WebRequest request;
  request.module = module.name;
  request.timeout = s.timeout;
  request.oauth2 = s.oauth2;
  request.url = fill_url(s.url, variables_, &used_private);
  // The values passed in: evaluated now for the request, again when the sub-app starts.
  std::vector<std::pair<std::string, Value>> values;
  for (const auto& [name, expression] : s.variables_in) {
    auto value = expression.evaluate(variables_);
    if (!value) {
      subdialog_failed(module, "error", "variables_in '" + name + "': " + value.error().message);
      return;
    }
    used_private = used_private || value->is_private();
    values.emplace_back(name, std::move(*value));
  }
  if (s.method == SubdialogSettings::Method::kGet) {
    if (used_private) {
      // A query string ends up in proxy and server logs: a private value never goes there.
      wipe(request);
      subdialog_failed(module, "error", "a private value is never sent by GET (use POST)");
      return;
    }
    request.method = "GET";
    char separator = request.url.find('?') == std::string::npos ? '?' : '&';
    for (const auto& [name, value] : values) {
      request.url += separator + url_encode(name) + "=" + url_encode(value.to_text());
      separator = '&';
    }
  } else {
    request.method = "POST";
    request.body = "{\"variables\":{";
    bool first = true;
    for (const auto& [name, value] : values) {
      if (!first) request.body += ',';
      first = false;
      append_json_string(request.body, name);
      request.body += ':';
      std::string json = value.to_json(true);  // the values are what the service asked for
      request.body += json;
      secure_wipe(json);
    }
    request.body += "}}";
    request.headers.emplace_back("Content-Type", "application/json");
  }
  for (auto& [name, value] : values) value = Value();
  request.headers.emplace_back("Accept", "application/json");
  for (const auto& [name, text] : s.headers) {
    std::string v = substitute(text, variables_, &used_private);
    std::replace_if(
        v.begin(), v.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
    request.headers.emplace_back(name, std::move(v));
  }
  request.carries_private = used_private;

  // A document fetched before in this call (for the same URL) runs again without a fetch.
  if (!used_private && loaded_apps_) {
    if (auto it = loaded_apps_->find(cache_key(s, request.url)); it != loaded_apps_->end()) {
      auto doc = it->second;
      wipe(request);
      auto given = sub_app_inputs(module, s.variables_in);
      const std::string label = "subdialog:" + doc->name;
      if (given) enter_sub_app(std::move(doc), std::move(*given), label);
      return;
    }
  }
  if (used_private && request.url.rfind("https://", 0) != 0) {
    wipe(request);
    subdialog_failed(module, "error", "a private value may only be sent over https");
    return;
  }
  if (auto refusal = app_egress_refusal(app_.settings, request.url)) {
    wipe(request);
    subdialog_failed(module, "error", *refusal);
    return;
  }
  send_web_request(module, std::move(request));
}

void Interpreter::subdialog_answered(WebResponse response) {
  const Module& module = current();
  const auto& s = std::get<SubdialogSettings>(module.settings);
  if (response.outcome != WebResponse::Outcome::kResponse) {
    const bool timed_out = response.outcome == WebResponse::Outcome::kTimeout;
    const std::string message = response.error.empty() ? "no response" : response.error;
    wipe(response);
    subdialog_failed(module, timed_out ? "timeout" : "error", message);
    return;
  }
  if (response.status < 200 || response.status >= 300) {
    const int status = response.status;
    wipe(response);
    subdialog_failed(module, "error", "HTTP status " + std::to_string(status));
    return;
  }
  // Checked like any app before it runs: a document that does not validate never starts.
  auto parsed = parse_app(response.body, "subdialog " + module.name);
  wipe(response);
  if (!parsed) {
    subdialog_failed(module, "error",
                     "the fetched document is not a valid app: " + parsed.error().message);
    return;
  }
  // A secure caller runs the sub-flow the way its own deployment runs: secure.
  auto doc = std::make_shared<const AppDocument>(
      app_.settings.secure ? as_secure_deployment(*parsed) : std::move(*parsed));
  bool used_private = module.is_private;
  const std::string url = fill_url(s.url, variables_, &used_private);
  if (!used_private) {
    if (!loaded_apps_) loaded_apps_ = std::make_shared<LoadedApps>();
    loaded_apps_->emplace(cache_key(s, url), doc);
  }
  auto given = sub_app_inputs(module, s.variables_in);
  if (!given) return;
  const std::string label = "subdialog:" + doc->name;
  enter_sub_app(std::move(doc), std::move(*given), label);
}

void Interpreter::subdialog_failed(const Module& module, std::string_view exit,
                                   const std::string& message) {
  state_ = State::kIdle;
  variables_.set(module.name + "$.status", "error");
  variables_.set(module.name + "$.error", message);
  record(std::string(exit));
  auto it = module.exits.find(std::string(exit));
  if (it == module.exits.end()) it = module.exits.find("error");
  if (it != module.exits.end()) {
    go_to(it->second);
    return;
  }
  finish("error:subdialog " + module.name + ": " + message, true);
}

}  // namespace keyline::flow
