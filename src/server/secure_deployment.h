// Secure deployments (docs/security.md, "Secure apps and secure deployments"): what a call to
// one must have come over, and the audit gate every secure app passes before it is served.
// Kept beside server.cc so its routing stays one call per rule.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "flow/app_document.h"
#include "server/config.h"

namespace keyline::server {

// Why a call to `deployment` does not meet its rules: over TLS (`over_tls`) and with SRTP
// negotiated (`srtp`). Empty when it does, or when the deployment is not secure.
struct SecureCallVerdict {
  int status = 0;  // 403 (not TLS) or 488 (no SRTP); 0: nothing wrong
  std::string reason;
  bool refuse = false;  // false with a status: secure_media: warn, accepted and logged
};
SecureCallVerdict check_transport(const Deployment& deployment, bool over_tls);
SecureCallVerdict check_media(const Deployment& deployment, bool srtp);

// A secure app, or the app of a secure deployment as that deployment runs it, may not have an
// unacknowledged audit error. The error lists each one as `keyline audit` prints it.
Status check_secure_audit(const flow::AppDocument& app, std::string_view what);

}  // namespace keyline::server
