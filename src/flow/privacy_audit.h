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
  SourcePos pos;                   // the sink: the module, or its Set Variable row
  std::string sink_module;         // the module that reads the value
  std::string variable;            // the private variable as the sink reads it
  std::vector<std::string> chain;  // modules from the private source to the sink, in order
  std::string message;             // one line, names modules and variables, never values
};

// Pure: looks at the document only. Findings come in document order.
std::vector<AuditFinding> audit_app(const AppDocument& app);

// "file:line:col: severity: message (path: a -> b -> c)", one line.
std::string format_finding(std::string_view file, const AuditFinding& finding);

}  // namespace keyline::flow
