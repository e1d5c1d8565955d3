// Reader for the REST module's settings (docs/apps.md, "REST").
#include "flow/app_module_readers.h"

namespace keyline::flow {

// {"Name": "value with {{placeholders}}", ...}
void read_header_pairs(ValueReader& r, const YAML::Node& node, std::string_view key,
                       std::vector<std::pair<std::string, std::string>>& out) {
  if (!node.IsMap()) {
    r.diagnostics().add(pos_of(node),
                        single_quoted(key) + " must be an object {\"name\": \"value\", ...}");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.Scalar();
    bool token = !name.empty();
    for (char c : name) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_' || c == '.';
      token = token && ok;
    }
    if (!token) {
      r.diagnostics().add(pos_of(it->first), single_quoted(key) + ": the name " +
                                                 single_quoted(name) +
                                                 " may use only letters, digits, - _ and .");
      continue;
    }
    std::string value;
    if (r.read_text(it->second, key, value)) out.emplace_back(name, std::move(value));
  }
}

RestSettings read_rest(ValueReader& r, ObjectReader& obj) {
  RestSettings out;
  if (auto n = obj.required("method")) {
    std::string m;
    if (r.read_string(*n, "method", m)) {
      if (m == "GET") {
        out.method = RestMethod::kGet;
      } else if (m == "POST") {
        out.method = RestMethod::kPost;
      } else if (m == "POST_RAW") {
        out.method = RestMethod::kPostRaw;
      } else if (m == "PUT") {
        out.method = RestMethod::kPut;
      } else if (m == "PATCH") {
        out.method = RestMethod::kPatch;
      } else if (m == "DELETE") {
        out.method = RestMethod::kDelete;
      } else {
        r.diagnostics().add(pos_of(*n),
                            "'method' must be GET, POST, POST_RAW, PUT, PATCH or DELETE");
      }
    }
  }
  if (auto n = obj.required("url")) {
    if (r.read_text(*n, "url", out.url)) {
      const bool http = out.url.rfind("https://", 0) == 0 || out.url.rfind("http://", 0) == 0;
      // A URL that is wholly a placeholder ("{{endpoint}}") is checked when the call runs.
      if (!http && out.url.rfind("{{", 0) != 0)
        r.diagnostics().add(pos_of(*n), "'url' must start with https:// (or http://)");
    }
  }
  if (auto n = obj.get("headers")) read_header_pairs(r, *n, "headers", out.headers);
  auto form = obj.get("form");
  auto body = obj.get("body");
  if (form) {
    if (out.method != RestMethod::kPost)
      r.diagnostics().add(pos_of(*form), "'form' rows are sent by method POST only");
    read_header_pairs(r, *form, "form", out.form);
  }
  if (body) {
    if (out.method == RestMethod::kGet || out.method == RestMethod::kPost)
      r.diagnostics().add(pos_of(*body),
                          "'body' is sent by POST_RAW, PUT, PATCH and DELETE (POST sends 'form')");
    r.read_text(*body, "body", out.body);
  }
  if (auto n = obj.get("content_type")) r.read_string(*n, "content_type", out.content_type);
  if (auto n = obj.get("return_type")) {
    std::string t;
    if (r.read_string(*n, "return_type", t)) {
      if (t == "json") {
        out.return_type = RestReturnType::kJson;
      } else if (t == "text") {
        out.return_type = RestReturnType::kText;
      } else if (t == "empty") {
        out.return_type = RestReturnType::kEmpty;
      } else if (t == "csv") {
        out.return_type = RestReturnType::kCsv;
      } else if (t == "xml") {
        out.return_type = RestReturnType::kXml;
      } else {
        r.diagnostics().add(pos_of(*n),
                            "'return_type' must be \"json\", \"xml\", \"text\", "
                            "\"csv\" or \"empty\"");
      }
    }
  }
  if (auto n = obj.get("timeout_ms")) r.read_ms(*n, "timeout_ms", 100, 120000, out.timeout);
  if (auto n = obj.get("auth")) read_web_auth(r, *n, "'auth' of a rest module", out);
  return out;
}

}  // namespace keyline::flow
