// Reader for the Assistant module's settings (docs/apps.md, "assistant").
#include "flow/app_module_readers.h"
#include "flow/transfer_request.h"

namespace keyline::flow {

AssistantSettings read_assistant(ValueReader& r, ObjectReader& obj, const AppSettings& settings) {
  AssistantSettings out;
  out.barge_in = settings.input.barge_in;
  if (auto n = obj.required("url")) {
    // A conversation carries what the caller says and keys: https only, even in a test app.
    if (r.read_text(*n, "url", out.url) && out.url.rfind("https://", 0) != 0 &&
        out.url.rfind("{{", 0) != 0)
      r.diagnostics().add(pos_of(*n), "'url' must start with https://");
  }
  if (auto n = obj.get("headers")) read_header_pairs(r, *n, "headers", out.headers);
  if (auto n = obj.get("context")) read_header_pairs(r, *n, "context", out.context);
  if (auto n = obj.get("timeout_ms")) r.read_ms(*n, "timeout_ms", 100, 120000, out.timeout);
  if (auto n = obj.get("max_turns")) r.read_int(*n, "max_turns", 1, 1000, out.max_turns);
  if (auto n = obj.get("barge_in")) r.read_bool(*n, "barge_in", out.barge_in);
  if (auto n = obj.get("noinput_timeout_ms"))
    r.read_ms(*n, "noinput_timeout_ms", 500, 120000, out.noinput_timeout);
  if (auto n = obj.get("inter_digit_timeout_ms"))
    r.read_ms(*n, "inter_digit_timeout_ms", 500, 60000, out.inter_digit_timeout);
  if (auto n = obj.get("auth")) read_web_auth(r, *n, "'auth' of an assistant module", out);
  if (auto n = obj.get("failure")) {
    ObjectReader failure(*n, "'failure' of an assistant module", r.diagnostics());
    if (failure.is_object()) {
      if (auto p = failure.get("prompt")) r.read_text(*p, "prompt", out.failure_prompt);
      auto transfer = failure.get("transfer");
      auto hangup = failure.get("hangup");
      if (transfer && hangup)
        r.diagnostics().add(failure.pos(), "'failure' takes 'transfer' or 'hangup', not both");
      if (transfer && r.read_string(*transfer, "transfer", out.failure_target)) {
        out.failure = AssistantSettings::Failure::kTransfer;
        if (auto problem = check_transfer_target(out.failure_target); !problem.empty())
          r.diagnostics().add(pos_of(*transfer), "'transfer' " + problem);
      }
      bool hang_up = false;
      if (hangup && r.read_bool(*hangup, "hangup", hang_up) && hang_up)
        out.failure = AssistantSettings::Failure::kHangup;
      failure.finish();
    }
  }
  return out;
}

}  // namespace keyline::flow
