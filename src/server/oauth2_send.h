// Web requests with OAuth2 client-credentials tokens (docs/apps.md, "OAuth2"), for the REST and
// SOAP modules (CallSession) and the post-call sender: resolve the app's secret reference
// against http.app_secrets, get a token from the cache, send with "Authorization: Bearer", and
// after a 401 drop the token and send once more with a fresh one.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "base/result.h"
#include "base/secure_string.h"
#include "flow/web_request.h"
#include "services/http_client.h"
#include "services/oauth2_tokens.h"

namespace keyline::server {

// The secret `reference` names, when the operator allows it (`allowed`: http.app_secrets).
// Errors say which reference, never a value.
Result<SecureString> resolve_app_secret(const std::string& reference,
                                        const std::map<std::string, std::string>& allowed);

struct OAuth2Sender {
  services::HttpClient& http;
  services::OAuth2TokenCache& tokens;
  const std::map<std::string, std::string>& allowed_secrets;
};

// Sends `request` with a token for `oauth2`. `started` is told the id of each HTTP request as
// it starts (so the caller can cancel it); `done` runs once, on the client's loop: with the
// response, or with an error response (kOther, "oauth2: ...") when no token could be had. The
// caller checks in `done` whether it still wants the answer.
void send_with_oauth2(const OAuth2Sender& sender, const flow::OAuth2Settings& oauth2,
                      services::HttpRequest request,
                      std::function<void(services::HttpClient::RequestId)> started,
                      std::function<void(services::HttpResponse)> done);

}  // namespace keyline::server
