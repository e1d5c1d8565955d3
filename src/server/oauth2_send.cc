#include "server/oauth2_send.h"

#include <cstdlib>
#include <fstream>
#include <memory>

#include "base/secure_wipe.h"

namespace keyline::server {
namespace {

services::HttpResponse failure(const std::string& message) {
  services::HttpResponse r;
  r.error = services::HttpError::kOther;
  r.error_message = "oauth2: " + message;
  return r;
}

// One request's state across the token fetch, the send and the one retry after a 401.
struct Attempt {
  OAuth2Sender sender;
  services::OAuth2Client client;
  services::HttpRequest request;  // kept for the retry; wiped when done
  std::function<void(services::HttpClient::RequestId)> started;
  std::function<void(services::HttpResponse)> done;
  bool retried = false;

  ~Attempt() {
    secure_wipe(client.client_secret);
    secure_wipe(request.body);
    for (auto& [name, value] : request.headers) secure_wipe(value);
  }
};

void send_once(const std::shared_ptr<Attempt>& attempt);

void with_token(const std::shared_ptr<Attempt>& attempt, Result<std::string> token) {
  if (!token) {
    attempt->done(failure(token.error().message));
    return;
  }
  services::HttpRequest r = attempt->request;
  r.headers.emplace_back("Authorization", "Bearer " + *token);
  // A bearer token is a secret: it is never logged and never sent in clear text.
  r.https_only = true;
  r.carries_private = true;
  std::string used = std::move(*token);
  const auto id = attempt->sender.http.start(
      std::move(r), [attempt, used = std::move(used)](services::HttpResponse response) mutable {
        if (response.ok() && response.status == 401 && !attempt->retried) {
          // The resource server no longer takes this token (revoked, rotated): one fresh try.
          attempt->retried = true;
          attempt->sender.tokens.invalidate(attempt->client, used);
          secure_wipe(used);
          secure_wipe(response.body);
          send_once(attempt);
          return;
        }
        secure_wipe(used);
        attempt->done(std::move(response));
      });
  attempt->started(id);
}

void send_once(const std::shared_ptr<Attempt>& attempt) {
  attempt->sender.tokens.get(attempt->client, [attempt](Result<std::string> token) {
    with_token(attempt, std::move(token));
  });
}

}  // namespace

Result<SecureString> resolve_app_secret(const std::string& reference,
                                        const std::map<std::string, std::string>& allowed) {
  auto it = allowed.find(reference);
  if (it == allowed.end())
    return make_error("oauth2",
                      "client_secret " + reference + " is not in the server's http.app_secrets");
  const std::string& where = it->second;
  if (where.rfind("env:", 0) == 0) {
    const char* v = std::getenv(where.c_str() + 4);
    if (!v || !*v)
      return make_error("oauth2", "environment variable " + where.substr(4) + " is not set");
    return SecureString(v);
  }
  std::ifstream in(where.substr(5));
  std::string line;
  if (!in || !std::getline(in, line) || line.empty())
    return make_error("oauth2", "cannot read " + where.substr(5) + " (or it is empty)");
  if (line.back() == '\r') line.pop_back();
  SecureString out(line.c_str());
  secure_wipe(line);
  return out;
}

void send_with_oauth2(const OAuth2Sender& sender, const flow::OAuth2Settings& oauth2,
                      services::HttpRequest request,
                      std::function<void(services::HttpClient::RequestId)> started,
                      std::function<void(services::HttpResponse)> done) {
  auto secret = resolve_app_secret(oauth2.client_secret, sender.allowed_secrets);
  if (!secret) {
    done(failure(secret.error().message));
    return;
  }
  auto attempt = std::make_shared<Attempt>(
      Attempt{sender, {}, std::move(request), std::move(started), std::move(done)});
  attempt->client.token_url = oauth2.token_url;
  attempt->client.client_id = oauth2.client_id;
  attempt->client.client_secret = std::string(secret->view());
  attempt->client.scope = oauth2.scope;
  send_once(attempt);
}

}  // namespace keyline::server
