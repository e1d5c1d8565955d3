// The Transfer module's settings (docs/apps.md, "transfer") and the checks made once the whole
// document is read: exits that the chosen mode can take, and no private value in anything
// that leaves the call in SIP signalling (target, caller id, headers, keys).
#include "flow/app_module_readers.h"
#include "flow/privacy_audit.h"

namespace keyline::flow {
namespace {

// A text with no placeholder is checked now; one with a placeholder when the call runs.
bool has_placeholder(std::string_view text) { return text.find("{{") != std::string_view::npos; }

void read_headers(ValueReader& r, const YAML::Node& node, TransferSettings& out) {
  if (!node.IsMap()) {
    r.diagnostics().add(pos_of(node), "'headers' must be an object {\"X-Name\": \"value\", ...}");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (!is_transfer_header_name(name)) {
      r.diagnostics().add(pos_of(it->first),
                          "'headers': " + single_quoted(name) +
                              " cannot be sent: only X- headers and User-to-User are allowed");
      continue;
    }
    std::string value;
    if (!r.read_text(it->second, "headers", value)) continue;
    if (value.find_first_of("\r\n") != std::string::npos) {
      r.diagnostics().add(pos_of(it->second), "'headers': a value may not contain a line break");
      continue;
    }
    out.headers.emplace_back(name, std::move(value));
  }
}

}  // namespace

TransferSettings read_transfer(ValueReader& r, ObjectReader& obj) {
  TransferSettings out;
  if (auto n = obj.get("prompt")) r.read_text(*n, "prompt", out.prompt);
  if (auto n = obj.get("mode")) {
    std::string mode;
    if (r.read_string(*n, "mode", mode)) {
      if (mode == "blind") {
        out.mode = TransferMode::kBlind;
      } else if (mode == "bridged") {
        out.mode = TransferMode::kBridged;
      } else {
        r.diagnostics().add(pos_of(*n), "'mode' must be \"blind\" or \"bridged\"");
      }
    }
  }
  if (auto n = obj.required("target")) {
    out.target_pos = pos_of(*n);
    if (r.read_text(*n, "target", out.target) && !has_placeholder(out.target)) {
      if (auto problem = check_transfer_target(out.target); !problem.empty())
        r.diagnostics().add(pos_of(*n), "'target' " + problem);
    }
  }
  if (auto n = obj.get("caller_id")) {
    if (r.read_text(*n, "caller_id", out.caller_id) && !has_placeholder(out.caller_id)) {
      if (auto problem = check_transfer_target(out.caller_id); !problem.empty())
        r.diagnostics().add(pos_of(*n), "'caller_id' " + problem);
    }
  }
  if (auto n = obj.get("headers")) read_headers(r, *n, out);
  if (auto n = obj.get("dtmf")) {
    if (r.read_string(*n, "dtmf", out.dtmf)) {
      for (char c : out.dtmf) {
        if (!is_dtmf_key(c)) {
          r.diagnostics().add(pos_of(*n), "'dtmf' may hold only the keys 0-9 * # A-D");
          break;
        }
      }
      if (out.mode != TransferMode::kBridged && !out.dtmf.empty())
        r.diagnostics().add(pos_of(*n),
                            "'dtmf' is sent by a bridged transfer only (a blind one hands the "
                            "call over)");
    }
  }
  if (auto n = obj.get("timeout_ms")) r.read_ms(*n, "timeout_ms", 1000, 600000, out.timeout);
  if (auto n = obj.get("max_duration_s")) {
    int seconds = static_cast<int>(out.max_duration.count());
    if (r.read_int(*n, "max_duration_s", 1, 86400, seconds))
      out.max_duration = std::chrono::seconds(seconds);
  }
  return out;
}

void check_transfer_modules(const AppDocument& app, AppDiagnostics& diagnostics) {
  bool any = false;
  for (const auto& page : app.pages) {
    for (const auto& m : page.modules) {
      const auto* t = std::get_if<TransferSettings>(&m.settings);
      if (!t) continue;
      any = true;
      // Exits the mode never takes are a wiring mistake, not a harmless extra.
      const bool blind = t->mode == TransferMode::kBlind;
      for (const auto& [exit, target] : m.exits) {
        const bool bridged_only = exit == "far_end_disconnect" || exit == "maxtime_disconnect";
        if (blind && bridged_only)
          diagnostics.add(target.pos, "exit '" + exit + "' is taken by a bridged transfer only");
        if (!blind && exit == "done")
          diagnostics.add(target.pos,
                          "exit 'done' is taken by a blind transfer only (a bridged one ends "
                          "with far_end_disconnect or maxtime_disconnect)");
      }
    }
  }
  if (!any) return;
  // A private value in SIP signalling would reach the carrier, the far end's logs and every
  // proxy on the way: refused in every app, not only in secure ones.
  for (const auto& f : audit_app(app)) {
    if (f.kind == "transfer") diagnostics.add(f.pos, f.message);
  }
}

}  // namespace keyline::flow
