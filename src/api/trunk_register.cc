// A stored trunk's "register" (docs/api.md, docs/sip.md "REGISTER to a trunk"): the settings of
// `sip.register` in the config, kept with the trunk so a carrier can be connected through the
// API alone. Like the digest, the password is never sent: password_ref names where the server
// reads it, and GET says only whether one is set.
#include "api/admin_routes.h"

namespace keyline::api {
namespace {

// What the config's sip.register accepts for the expiry (server/register_config.cc).
constexpr std::int64_t kMinExpires = 30;
constexpr std::int64_t kMaxExpires = 86400 * 7;

bool printable(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '<' || c == '>' || c == '"')
      return false;
  return true;
}

// sip:[user@]host[:port][;params]. The API does not link the SIP parser; the server parses
// the URI again when it builds its trunk table and names what it cannot use in its log.
bool valid_sip_uri(std::string_view s, bool need_user) {
  if (s.size() > 256 || s.rfind("sip:", 0) != 0 || !printable(s)) return false;
  std::string_view rest = s.substr(4);
  auto at = rest.find('@');
  if (need_user && (at == std::string_view::npos || at == 0)) return false;
  std::string_view host = at == std::string_view::npos ? rest : rest.substr(at + 1);
  return !host.empty() && host.front() != ';' && host.front() != ':';
}

// A user part of our Contact: RFC 3261 "unreserved" characters and the usual escapes.
bool valid_user(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          std::string_view("-_.!~*'()&=+$,;?/%").find(c) != std::string_view::npos))
      return false;
  return true;
}

void read_text(const Json& reg, const char* key, std::string& out, std::vector<ProblemItem>& errors,
               bool (*valid)(std::string_view), const char* what) {
  const Json* v = reg.find(key);
  if (!v) return;
  if (!v->is_string() || !valid(v->as_string()))
    errors.push_back({std::string("/register/") + key, what});
  else
    out = v->as_string();
}

}  // namespace

void read_trunk_registration(const Json& body, const store::TrunkRegistration* existing,
                             store::TrunkRegistration& out, std::vector<ProblemItem>& errors) {
  out = store::TrunkRegistration{};
  const Json* reg = body.find("register");
  if (!reg || reg->is_null()) return;
  if (!reg->is_object()) {
    errors.push_back({"/register", "must be {registrar, aor, ...} or null"});
    return;
  }
  for (const auto& [key, value] : reg->as_object()) {
    (void)value;
    if (key == "password")
      errors.push_back({"/register/password",
                        "never send a password: name where the server reads it in "
                        "password_ref (env:VAR or file:/path)"});
    else if (key != "registrar" && key != "aor" && key != "contact_user" && key != "username" &&
             key != "password_ref" && key != "password_set" && key != "expires")
      errors.push_back({"/register/" + key, "unknown field"});
  }
  const Json* registrar = reg->find("registrar");
  if (!registrar || !registrar->is_string() || !valid_sip_uri(registrar->as_string(), false))
    errors.push_back({"/register/registrar", "required: a sip: URI (sip:host[:port])"});
  else
    out.registrar = registrar->as_string();
  const Json* aor = reg->find("aor");
  if (!aor || !aor->is_string() || !valid_sip_uri(aor->as_string(), true))
    errors.push_back({"/register/aor", "required: a sip: URI with a user (sip:user@domain)"});
  else
    out.aor = aor->as_string();
  read_text(*reg, "contact_user", out.contact_user, errors, valid_user,
            "must be 1-64 characters allowed in a SIP user part");
  read_text(
      *reg, "username", out.username, errors,
      [](std::string_view s) {
        return !s.empty() && s.size() <= 128 && s.find_first_of(":\r\n\"") == std::string::npos;
      },
      "must be 1-128 characters, no ':' or quotes");
  if (const Json* ref = reg->find("password_ref")) {
    if (!ref->is_string() || !valid_secret_ref(ref->as_string()))
      errors.push_back({"/register/password_ref", "must be env:VAR or file:/absolute/path"});
    else
      out.password_ref = ref->as_string();
  } else if (existing && !existing->password_ref.empty() && !out.username.empty()) {
    out.password_ref = existing->password_ref;
  }
  if (!out.username.empty() && out.password_ref.empty() && !reg->find("password_ref"))
    errors.push_back({"/register/password_ref", "required with a username: env:VAR or file:/path"});
  if (out.username.empty() && !out.password_ref.empty() && reg->find("password_ref"))
    errors.push_back({"/register/username", "required with a password_ref"});
  if (const Json* expires = reg->find("expires")) {
    auto n = expires->as_integer();
    if (!n || *n < kMinExpires || *n > kMaxExpires)
      errors.push_back({"/register/expires", "must be " + std::to_string(kMinExpires) + " to " +
                                                 std::to_string(kMaxExpires) + " seconds"});
    else
      out.expires_s = static_cast<int>(*n);
  }
}

Json trunk_registration_json(const store::TrunkRegistration& r, bool with_ref) {
  if (r.registrar.empty()) return Json();
  Json j;
  j.set("registrar", r.registrar);
  j.set("aor", r.aor);
  if (!r.contact_user.empty()) j.set("contact_user", r.contact_user);
  if (!r.username.empty()) {
    j.set("username", r.username);
    if (with_ref)
      j.set("password_ref", r.password_ref);
    else
      j.set("password_set", !r.password_ref.empty());
  }
  j.set("expires", r.expires_s);
  return j;
}

}  // namespace keyline::api
