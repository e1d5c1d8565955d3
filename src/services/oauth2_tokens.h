// OAuth2 client-credentials tokens (RFC 6749 section 4.4) for the REST and SOAP modules and
// the post-call web service. One cache per HTTP client (so per worker, or per post-call
// sender): a token is fetched once and reused by every call until shortly before it expires;
// calls that ask while a fetch is out wait for that fetch instead of starting their own.
//
// The client secret is sent in the Authorization header (HTTP Basic, as section 2.3.1 asks)
// and never logged; a token is never logged either.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "services/http_client.h"

namespace keyline::services {

struct OAuth2Client {
  std::string token_url;
  std::string client_id;
  std::string client_secret;  // resolved (not a reference); wiped by the cache when done
  std::string scope;          // may be empty
};

// access_token and expires_in of a token endpoint's JSON answer. expires_in missing: 0.
struct OAuth2Token {
  std::string access_token;
  std::int64_t expires_in_s = 0;
};
Result<OAuth2Token> parse_token_response(std::string_view json);

class OAuth2TokenCache {
 public:
  // Sends one HTTP request and calls back with its response (HttpClient::start in the server;
  // a script in tests).
  using Fetch = std::function<void(HttpRequest, HttpClient::Callback)>;
  using Now = std::function<SteadyTime()>;
  using Callback = std::function<void(Result<std::string> access_token)>;

  // A token is used until `skew` before it expires. A token without expires_in is kept for
  // `default_lifetime`.
  OAuth2TokenCache(Fetch fetch, Now now, std::chrono::seconds skew = std::chrono::seconds(30),
                   std::chrono::seconds default_lifetime = std::chrono::seconds(300));
  ~OAuth2TokenCache();
  OAuth2TokenCache(const OAuth2TokenCache&) = delete;
  OAuth2TokenCache& operator=(const OAuth2TokenCache&) = delete;

  // A valid token for `client` (cached per token_url, client_id and scope), or the reason none
  // could be had ("token endpoint answered 401", never the secret). `done` may run inside
  // get() when the token is cached, else when the fetch ends.
  void get(const OAuth2Client& client, Callback done);
  // The resource server refused `token` (401): the next get() fetches a new one. A newer
  // token already in the cache is kept.
  void invalidate(const OAuth2Client& client, std::string_view token);

  std::uint64_t fetches() const { return fetches_; }

 private:
  using Key = std::tuple<std::string, std::string, std::string>;
  struct Entry {
    std::string token;
    SteadyTime expires{};
    bool fetching = false;
    std::vector<Callback> waiting;
  };
  static Key key_of(const OAuth2Client& client) {
    return {client.token_url, client.client_id, client.scope};
  }
  void fetched(const Key& key, HttpResponse response);

  Fetch fetch_;
  Now now_;
  std::chrono::seconds skew_;
  std::chrono::seconds default_lifetime_;
  std::map<Key, Entry> entries_;
  std::uint64_t fetches_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::services
