// The static privacy audit of `keyline audit APP` (issue 8): follows every value a private
// module produces through Set Variable rows (taint carries through expressions) and reports
// each place it reaches a sink, with the chain of modules it took. The runtime already redacts
// private values at every sink; the audit exists so a builder sees, before deploying, where the
// app *relies* on that redaction — a Call Log meant to hold a card number is a design error even
// though the log would only say [private].
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "flow/app_document.h"

namespace keyline::flow {

enum class AuditSeverity {
  kInfo,     // a private value is read where nothing leaves the call (a Compare row)
  kWarning,  // it leaves, by design, to the caller only (spoken; the TTS cache skips it)
  kError,    // the app asks a persistent sink (the call log) to hold it
};

std::string_view audit_severity_name(AuditSeverity severity);  // "info", "warning", "error"

struct AuditFinding {
  AuditSeverity severity = AuditSeverity::kInfo;
  // What the finding is about, for "audit_acknowledged": "module: kind" (audit_finding_kinds).
  std::string kind;
  bool acknowledged = false;  // the app's settings list it: reported, but does not fail

  SourcePos pos;                   // the sink: the module, or its Set Variable row
  std::string sink_module;         // the module that reads the value
  std::string variable;            // the private variable as the sink reads it
  std::vector<std::string> chain;  // modules from the private source to the sink, in order
  std::string message;             // one line, names modules and variables, never values
};

// The kinds of findings, as "audit_acknowledged" names them:
//   call_log     a private value in a non-private Call Log's text (error)
//   spoken       a private value in prompt text or Dynamic Menu options (warning)
//   copy         a private value copied by a non-private Set Variable (warning)
//   js           a private value given to a non-private Evaluate JS (warning)
//   compare      a private value compared (info)
//   rest_http    a private value sent to a URL that is not https:// (error)
//   rest_https   a private value sent over https:// (info)
//   egress       a REST URL whose host is not on the app's "egress" list (error)
//   not_private  "private": false in a secure app (error for an input module, whose value is
//                then written to the call log; warning otherwise)
// Not acknowledgeable (never in this list): "message", a private value in an Email or SMS
// module's texts (error) — the runtime refuses to send it whatever the app says, so
// `keyline validate` fails such an app even when it is not secure.
// An acknowledgement that matches no finding is itself reported (kind "acknowledgement",
// warning), so the list does not outlive the app it described.
const std::vector<std::string_view>& audit_finding_kinds();
bool is_audit_finding_kind(std::string_view kind);

// Pure: looks at the document only. Findings come in document order (unused acknowledgements
// last); those the app's "audit_acknowledged" lists are marked acknowledged.
std::vector<AuditFinding> audit_app(const AppDocument& app);

// True when some finding is an error that is not acknowledged: `keyline audit` exits 1, and a
// secure app fails `keyline validate` and is refused by the server.
bool audit_blocks(const std::vector<AuditFinding>& findings);

// "file:line:col: severity: message (path: a -> b -> c) [module: kind]", one line; an
// acknowledged finding says "error (acknowledged)".
std::string format_finding(std::string_view file, const AuditFinding& finding);

}  // namespace keyline::flow
