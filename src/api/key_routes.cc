// API keys through the API (issue 9: revocation). GET /v1/keys lists the caller's own keys (an
// admin's: everyone's), never a hash or a secret; DELETE /v1/keys/{key_id} revokes one — a
// caller's own key (any role: a leaked key must be stoppable by its holder) or, for an admin,
// anyone's. The authenticator reads the key row on every request, so the revoked key gets 401
// from the next request on, on every node sharing the database.
#include "api/api_service.h"
#include "api/problem.h"

namespace keyline::api {
namespace {

Json key_json(const store::ApiKeyInfo& k) {
  Json j;
  j.set("key_id", k.key_id);
  j.set("email", k.email);
  j.set("created", iso_time(k.created_unix_ms));
  j.set("revoked", k.revoked);
  return j;
}

Response list(ApiService& api, const Principal& who) {
  const bool admin = who.role == store::Role::kAdmin;
  auto keys = api.deps().users->list_keys(admin ? 0 : who.user_id);
  if (!keys) return store_failure(keys.error());
  Json::Array items;
  for (const auto& k : *keys) items.push_back(key_json(k));
  Json body;
  body.set("keys", std::move(items));
  return json_response(200, body);
}

Response revoke(ApiService& api, Request& req, const Principal& who) {
  const std::string& key_id = req.params["key_id"];
  auto key = api.deps().users->find_key(key_id);
  if (!key) return store_failure(key.error());
  // Another user's key does not exist for a non-admin (key ids are not disclosed).
  if (!*key || (who.role != store::Role::kAdmin && (*key)->user_id != who.user_id))
    return problem(404, "not-found", "Not found", "no such key");
  const bool was_revoked = (*key)->revoked;
  if (!was_revoked) {
    auto revoked = api.deps().users->revoke_key(key_id);
    if (!revoked) return store_failure(revoked.error());
  }
  Response r;
  r.status = 204;
  r.content_type.clear();
  if (was_revoked) return r;  // nothing changed: nothing to audit
  auto owner = api.deps().users->find_by_id((*key)->user_id);
  const std::string detail = owner && *owner ? "key of " + (**owner).email
                                             : "key of user " + std::to_string((*key)->user_id);
  if (!api.audit(who, "key.revoke", key_id, detail))
    r.headers.emplace_back("X-Audit-Error", "audit write failed");
  return r;
}

}  // namespace

void add_key_routes(ApiService& api) {
  using store::Role;
  api.add_route("GET", "/v1/keys", Role::kViewer,
                [&api](Request&, const Principal& who) { return list(api, who); });
  api.add_route("DELETE", "/v1/keys/{key_id}", Role::kViewer,
                [&api](Request& req, const Principal& who) { return revoke(api, req, who); });
}

}  // namespace keyline::api
