#include "server/secure_deployment.h"

#include "flow/privacy_audit.h"

namespace keyline::server {
namespace {

SecureCallVerdict fault(const Deployment& d, int status, std::string why) {
  SecureCallVerdict v;
  v.status = status;
  v.refuse = !d.secure_media_warn;
  v.reason = "deployment '" + d.name + "' is secure: " + std::move(why);
  return v;
}

}  // namespace

SecureCallVerdict check_transport(const Deployment& deployment, bool over_tls) {
  if (!deployment.secure || over_tls) return {};
  return fault(deployment, 403, "the call must arrive over SIP/TLS (sips: or transport=tls)");
}

SecureCallVerdict check_media(const Deployment& deployment, bool srtp) {
  if (!deployment.secure || srtp) return {};
  return fault(deployment, 488, "the call must offer SRTP (RTP/SAVP with a=crypto)");
}

Status check_secure_audit(const flow::AppDocument& app, std::string_view what) {
  if (!app.settings.secure) return Ok{};
  const auto findings = flow::audit_app(app);
  if (!flow::audit_blocks(findings)) return Ok{};
  std::string lines;
  for (const auto& f : findings) {
    if (f.severity != flow::AuditSeverity::kError || f.acknowledged) continue;
    lines += "\n" + flow::format_finding(app.file_name, f);
  }
  return make_error("app", std::string(what) +
                               ": the privacy audit has errors a secure app must fix or "
                               "acknowledge (\"audit_acknowledged\"):" +
                               lines);
}

}  // namespace keyline::server
