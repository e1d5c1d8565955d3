// Reader for the Subdialog module (docs/apps.md, "subdialog").
#include "flow/app_module_readers.h"

namespace keyline::flow {

SubdialogSettings read_subdialog(ValueReader& r, ObjectReader& obj, const Module& module,
                                 const AppSettings& settings) {
  SubdialogSettings out;
  if (auto n = obj.required("url")) {
    if (r.read_text(*n, "url", out.url)) {
      const bool http = out.url.rfind("https://", 0) == 0 || out.url.rfind("http://", 0) == 0;
      if (!http && out.url.rfind("{{", 0) != 0)
        r.diagnostics().add(pos_of(*n), "'url' must start with https:// (or http://)");
    }
  }
  std::optional<YAML::Node> method_node = obj.get("method");
  if (method_node) {
    std::string m;
    if (r.read_string(*method_node, "method", m)) {
      if (m == "GET") {
        out.method = SubdialogSettings::Method::kGet;
      } else if (m != "POST") {
        r.diagnostics().add(pos_of(*method_node), "'method' of a subdialog must be POST or GET");
      }
    }
  }
  read_sub_app_variables(r, obj, out.variables_in, out.variables_out);
  if (auto n = obj.get("headers")) read_header_pairs(r, *n, "headers", out.headers);
  if (auto n = obj.get("timeout_ms")) r.read_ms(*n, "timeout_ms", 100, 120000, out.timeout);
  if (auto n = obj.get("auth")) {
    ObjectReader auth(*n, "'auth' of a subdialog module", r.diagnostics());
    if (auth.is_object()) {
      std::string type;
      if (auto t = auth.required("type")) r.read_string(*t, "type", type);
      if (type == "oauth2") {
        out.oauth2 = read_oauth2(r, auth);
      } else {
        r.diagnostics().add(auth.pos(), "'auth' of a subdialog must be of type \"oauth2\"");
      }
      auth.finish();
    }
  }
  // A GET puts the values passed in into the URL, where proxies and server logs keep them. In
  // a secure app (or a private module) every value may be private: refused. Elsewhere the
  // privacy audit warns where a private value would go (and the call refuses it).
  if (out.method == SubdialogSettings::Method::kGet && !out.variables_in.empty() &&
      (settings.secure || module.is_private))
    r.diagnostics().add(pos_of(*method_node),
                        "a subdialog in a secure app (or a private one) must use POST: GET "
                        "would put the variables_in values in the URL");
  return out;
}

}  // namespace keyline::flow
