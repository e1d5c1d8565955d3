// SIP trunks: GET/POST/PUT/DELETE /v1/trunks[/{name}]. A trunk's digest password is never sent
// to or from the API: the body names where the server reads it (password_ref: env:VAR or
// file:PATH), and a GET says only whether one is set. Every field is checked before anything
// is written; all problems come back together.
#include <arpa/inet.h>

#include "api/admin_routes.h"
#include "api/problem.h"
#include "api/route_helpers.h"
#include "base/strings.h"

namespace keyline::api {
namespace {

bool valid_address(std::string_view text) {
  const std::string s(text);
  unsigned char buf[16];
  return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

// An IP address, an address/prefix block, or a host name (letters, digits, '-', '.').
bool valid_allow_entry(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (auto slash = s.find('/'); slash != std::string_view::npos) {
    auto bits = parse_int<int>(s.substr(slash + 1));
    const std::string addr(s.substr(0, slash));
    unsigned char buf[16];
    if (!bits || *bits < 0) return false;
    if (inet_pton(AF_INET, addr.c_str(), buf) == 1) return *bits <= 32;
    if (inet_pton(AF_INET6, addr.c_str(), buf) == 1) return *bits <= 128;
    return false;
  }
  if (valid_address(s)) return true;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '.'))
      return false;
  return s.front() != '-' && s.front() != '.';
}

bool one_of(const std::string& value, std::initializer_list<std::string_view> allowed) {
  for (auto a : allowed)
    if (value == a) return true;
  return false;
}

}  // namespace

// Anything but env:NAME or file:/path may be a password typed into the wrong field, so it is
// refused without echoing it.
bool valid_secret_ref(std::string_view s) {
  if (s.size() > 4096) return false;
  if (s.rfind("env:", 0) == 0) {
    auto name = s.substr(4);
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char c : name)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
        return false;
    return true;
  }
  if (s.rfind("file:/", 0) == 0) return s.find('\n') == std::string_view::npos;
  return false;
}

Json trunk_json(const store::TrunkRecord& t) {
  Json j;
  j.set("name", t.name);
  Json::Array allow;
  for (const auto& a : t.allow) allow.emplace_back(a);
  j.set("allow", std::move(allow));
  j.set("transport", t.transport);
  if (t.digest_username.empty()) {
    j.set("digest", Json());
  } else {
    Json digest;
    digest.set("username", t.digest_username);
    digest.set("password_set", !t.digest_password_ref.empty());
    j.set("digest", std::move(digest));
  }
  j.set("max_calls", t.max_calls);
  j.set("srtp", t.srtp);
  j.set("dtmf", t.dtmf);
  j.set("register", trunk_registration_json(t.registration, false));
  j.set("created", iso_time(t.created_unix_ms));
  j.set("updated", iso_time(t.updated_unix_ms));
  return j;
}

Json trunk_export_json(const store::TrunkRecord& t) {
  Json j = trunk_json(t);
  if (!t.digest_username.empty()) {
    Json digest;
    digest.set("username", t.digest_username);
    digest.set("password_ref", t.digest_password_ref);
    for (auto& [key, value] : j.as_object())  // Json::set appends: replace in place
      if (key == "digest") value = digest;
  }
  for (auto& [key, value] : j.as_object())
    if (key == "register") value = trunk_registration_json(t.registration, true);
  return j;
}

namespace {

void read_enum(const Json& body, const char* key, std::initializer_list<std::string_view> allowed,
               std::string& out, std::vector<ProblemItem>& errors) {
  const Json* v = body.find(key);
  if (!v) return;
  std::string options;
  for (auto a : allowed) options += (options.empty() ? "" : ", ") + std::string(a);
  if (!v->is_string() || !one_of(v->as_string(), allowed))
    errors.push_back({std::string("/") + key, "must be one of " + options});
  else
    out = v->as_string();
}

}  // namespace

// `existing` (PUT): a digest without password_ref keeps the stored reference, because GET never
// shows it and a client that sends back what it read must not lose the credentials.
std::vector<ProblemItem> read_trunk(const Json& body, const std::string* name_from_path,
                                    const store::TrunkRecord* existing, store::TrunkRecord& t) {
  std::vector<ProblemItem> errors;
  for (const auto& [key, value] : body.as_object()) {
    (void)value;
    if (!one_of(key, {"name", "allow", "transport", "digest", "max_calls", "srtp", "dtmf",
                      "register", "created", "updated"}))
      errors.push_back({"/" + key, "unknown field"});
  }
  if (const Json* name = body.find("name")) {
    if (!name->is_string() || !valid_name(name->as_string()))
      errors.push_back({"/name", "must be 1-64 letters, digits, '_' or '-'"});
    else if (name_from_path && name->as_string() != *name_from_path)
      errors.push_back({"/name", "cannot change a trunk's name"});
    else
      t.name = name->as_string();
  } else if (name_from_path) {
    t.name = *name_from_path;
  } else {
    errors.push_back({"/name", "required"});
  }
  const Json* allow = body.find("allow");
  if (!allow || !allow->is_array() || allow->as_array().empty() || allow->as_array().size() > 256) {
    errors.push_back({"/allow", "required: a list of 1 to 256 addresses, CIDR blocks or hosts"});
  } else {
    for (std::size_t i = 0; i < allow->as_array().size(); ++i) {
      const Json& a = allow->as_array()[i];
      if (!a.is_string() || !valid_allow_entry(a.as_string()))
        errors.push_back({"/allow/" + std::to_string(i),
                          "must be an IP address, an address/prefix block or a host name"});
      else
        t.allow.push_back(a.as_string());
    }
  }
  read_enum(body, "transport", {"udp", "tcp", "tls"}, t.transport, errors);
  read_enum(body, "srtp", {"off", "optional", "mandatory"}, t.srtp, errors);
  read_enum(body, "dtmf", {"auto", "rfc4733", "inband", "info"}, t.dtmf, errors);
  if (const Json* max = body.find("max_calls")) {
    auto n = max->as_integer();
    if (!n || *n < 0 || *n > 1'000'000)
      errors.push_back({"/max_calls", "must be 0 (no limit) to 1000000"});
    else
      t.max_calls = static_cast<int>(*n);
  }
  read_trunk_registration(body, existing ? &existing->registration : nullptr, t.registration,
                          errors);
  if (const Json* digest = body.find("digest"); digest && !digest->is_null()) {
    if (!digest->is_object()) {
      errors.push_back({"/digest", "must be {username, password_ref} or null"});
      return errors;
    }
    for (const auto& [key, value] : digest->as_object()) {
      (void)value;
      if (key == "password")
        errors.push_back({"/digest/password",
                          "never send a password: name where the server reads it in "
                          "password_ref (env:VAR or file:/path)"});
      else if (key != "username" && key != "password_ref" && key != "password_set")
        errors.push_back({"/digest/" + key, "unknown field"});
    }
    const Json* user = digest->find("username");
    if (!user || !user->is_string() || user->as_string().empty() ||
        user->as_string().size() > 128 ||
        user->as_string().find_first_of(":\r\n\"") != std::string::npos)
      errors.push_back({"/digest/username", "required: 1-128 characters, no ':' or quotes"});
    else
      t.digest_username = user->as_string();
    const Json* ref = digest->find("password_ref");
    if (ref) {
      if (!ref->is_string() || !valid_secret_ref(ref->as_string()))
        errors.push_back({"/digest/password_ref", "must be env:VAR or file:/absolute/path"});
      else
        t.digest_password_ref = ref->as_string();
    } else if (existing && !existing->digest_password_ref.empty()) {
      t.digest_password_ref = existing->digest_password_ref;
    } else {
      errors.push_back({"/digest/password_ref", "required: env:VAR or file:/absolute/path"});
    }
  }
  return errors;
}

namespace {

Response invalid_trunk(std::vector<ProblemItem> errors) {
  return problem(422, "invalid-trunk", "The trunk has errors", "see errors", std::move(errors));
}

Response unavailable() {
  return problem(501, "not-implemented", "Not implemented", "this server keeps no trunks");
}

}  // namespace

void add_trunk_routes(ApiService& api) {
  using store::Role;

  api.add_route("GET", "/v1/trunks", Role::kViewer, [&api](Request&, const Principal&) {
    if (!api.deps().trunks) return unavailable();
    auto all = api.deps().trunks->list();
    if (!all) return store_failure(all.error());
    Json::Array list;
    for (const auto& t : *all) list.push_back(trunk_json(t));
    Json body;
    body.set("trunks", std::move(list));
    return json_response(200, body);
  });

  api.add_route("POST", "/v1/trunks", Role::kAdmin, [&api](Request& req, const Principal& who) {
    if (!api.deps().trunks) return unavailable();
    Response bad;
    auto body = parse_body_object(req, bad);
    if (!body) return bad;
    store::TrunkRecord t;
    auto errors = read_trunk(*body, nullptr, nullptr, t);
    if (!errors.empty()) return invalid_trunk(std::move(errors));
    auto existing = api.deps().trunks->get(t.name);
    if (!existing) return store_failure(existing.error());
    if (*existing)
      return problem(409, "already-exists", "Already exists",
                     "a trunk named '" + t.name + "' exists");
    t.created_unix_ms = t.updated_unix_ms = api.now_ms();
    if (auto st = api.deps().trunks->create(t); !st) return store_failure(st.error());
    Response r = json_response(201, trunk_json(t));
    r.headers.emplace_back("Location", "/v1/trunks/" + t.name);
    api.routing_changed();
    if (!api.audit(who, "trunk.create", t.name))
      r.headers.emplace_back("X-Audit-Error", "audit write failed");
    return r;
  });

  api.add_route("GET", "/v1/trunks/{name}", Role::kViewer, [&api](Request& req, const Principal&) {
    if (!api.deps().trunks) return unavailable();
    auto t = api.deps().trunks->get(req.params["name"]);
    if (!t) return store_failure(t.error());
    if (!*t) return problem(404, "not-found", "Not found", "no such trunk");
    return json_response(200, trunk_json(**t));
  });

  api.add_route("PUT", "/v1/trunks/{name}", Role::kAdmin,
                [&api](Request& req, const Principal& who) {
                  if (!api.deps().trunks) return unavailable();
                  Response bad;
                  auto body = parse_body_object(req, bad);
                  if (!body) return bad;
                  const std::string name = req.params["name"];
                  auto existing = api.deps().trunks->get(name);
                  if (!existing) return store_failure(existing.error());
                  if (!*existing) return problem(404, "not-found", "Not found", "no such trunk");
                  store::TrunkRecord t;
                  auto errors = read_trunk(*body, &name, &**existing, t);
                  if (!errors.empty()) return invalid_trunk(std::move(errors));
                  t.created_unix_ms = (*existing)->created_unix_ms;
                  t.updated_unix_ms = api.now_ms();
                  auto updated = api.deps().trunks->update(t);
                  if (!updated) return store_failure(updated.error());
                  if (!*updated) return problem(404, "not-found", "Not found", "no such trunk");
                  Response r = json_response(200, trunk_json(t));
                  api.routing_changed();
                  if (!api.audit(who, "trunk.update", t.name))
                    r.headers.emplace_back("X-Audit-Error", "audit write failed");
                  return r;
                });

  api.add_route("DELETE", "/v1/trunks/{name}", Role::kAdmin,
                [&api](Request& req, const Principal& who) {
                  if (!api.deps().trunks) return unavailable();
                  const std::string name = req.params["name"];
                  auto removed = api.deps().trunks->remove(name);
                  if (!removed && removed.error().kind == "conflict")
                    return problem(409, "trunk-in-use", "Trunk in use", removed.error().message);
                  if (!removed) return store_failure(removed.error());
                  if (!*removed) return problem(404, "not-found", "Not found", "no such trunk");
                  Response r;
                  r.status = 204;
                  r.content_type.clear();
                  api.routing_changed();
                  if (!api.audit(who, "trunk.delete", name))
                    r.headers.emplace_back("X-Audit-Error", "audit write failed");
                  return r;
                });
}

}  // namespace keyline::api
