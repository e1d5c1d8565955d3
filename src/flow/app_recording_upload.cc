// Reader for `auth: {type: aws_sigv4}` of settings.post_call.recording (docs/apps.md,
// "Uploading the call recording"): an S3-compatible bucket signed with AWS Signature V4.
#include "flow/app_module_readers.h"

namespace keyline::flow {
namespace {

// Region and service name go into the signature's scope ("<date>/<region>/<service>/
// aws4_request") and into libcurl's provider string, which ':' separates: plain names only.
bool is_scope_name(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

void read_key_reference(ValueReader& r, ObjectReader& auth, const char* key, std::string& out) {
  auto n = auth.required(key);
  if (!n || !r.read_string(*n, key, out)) return;
  if (out.rfind("env:", 0) != 0 && out.rfind("file:", 0) != 0) {
    // Never a key itself in an app document (which is stored, exported and shown).
    out.clear();
    r.diagnostics().add(pos_of(*n), std::string("'") + key +
                                        "' must be \"env:NAME\" or \"file:PATH\" (a reference "
                                        "the server resolves), never the key itself");
  }
}

}  // namespace

AwsSigV4Settings read_aws_sigv4(ValueReader& r, ObjectReader& auth) {
  AwsSigV4Settings out;
  if (auto n = auth.required("region")) {
    if (r.read_string(*n, "region", out.region) && !is_scope_name(out.region))
      r.diagnostics().add(pos_of(*n), "'region' must be a region name such as \"eu-west-1\"");
  }
  if (auto n = auth.get("service")) {
    if (r.read_string(*n, "service", out.service) && !is_scope_name(out.service))
      r.diagnostics().add(pos_of(*n), "'service' must be a service name such as \"s3\"");
  }
  read_key_reference(r, auth, "access_key_id", out.access_key_id);
  read_key_reference(r, auth, "secret_access_key", out.secret_access_key);
  return out;
}

}  // namespace keyline::flow
