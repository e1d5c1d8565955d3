#include "services/oauth2_tokens.h"

#include <cctype>
#include <memory>

#include "base/base64.h"
#include "base/secure_wipe.h"

namespace keyline::services {
namespace {

std::string form_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A small reader for the token endpoint's answer: one JSON object whose members are read as
// strings or numbers; nested values are skipped. Enough for RFC 6749 section 5.1.
class JsonScanner {
 public:
  explicit JsonScanner(std::string_view text) : s_(text) {}

  bool object(const std::function<void(const std::string&, const std::string&, bool)>& member) {
    space();
    if (!eat('{')) return false;
    space();
    if (eat('}')) return end();
    for (;;) {
      std::string name, value;
      bool is_string = false;
      space();
      if (!string(name)) return false;
      space();
      if (!eat(':')) return false;
      space();
      if (!scalar_or_skip(value, is_string)) return false;
      member(name, value, is_string);
      secure_wipe(value);
      space();
      if (eat('}')) return end();
      if (!eat(',')) return false;
    }
  }

 private:
  bool end() {
    space();
    return i_ == s_.size();
  }
  void space() {
    while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  bool eat(char c) {
    if (i_ < s_.size() && s_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }
  bool string(std::string& out) {
    if (!eat('"')) return false;
    while (i_ < s_.size()) {
      char c = s_[i_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        char e = s_[i_++];
        switch (e) {
          case 'n':
            c = '\n';
            break;
          case 't':
            c = '\t';
            break;
          case 'r':
            c = '\r';
            break;
          case 'b':
            c = '\b';
            break;
          case 'f':
            c = '\f';
            break;
          case 'u':  // tokens are ASCII: an escaped code point is kept only when it is one
          {
            if (i_ + 4 > s_.size()) return false;
            int code = 0;
            for (int k = 0; k < 4; ++k) {
              const int d = hex(s_[i_++]);
              if (d < 0) return false;
              code = code * 16 + d;
            }
            c = static_cast<char>(code & 0x7f);
            break;
          }
          default:
            c = e;
        }
      }
      out += c;
    }
    return false;
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool scalar_or_skip(std::string& out, bool& is_string) {
    if (i_ >= s_.size()) return false;
    if (s_[i_] == '"') {
      is_string = true;
      return string(out);
    }
    if (s_[i_] == '{' || s_[i_] == '[') {  // skipped, strings inside included
      int depth = 0;
      while (i_ < s_.size()) {
        const char c = s_[i_];
        if (c == '"') {
          std::string ignored;
          if (!string(ignored)) return false;
          continue;
        }
        ++i_;
        if (c == '{' || c == '[') ++depth;
        if ((c == '}' || c == ']') && --depth == 0) return true;
      }
      return false;
    }
    const std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' &&
           !std::isspace(static_cast<unsigned char>(s_[i_])))
      ++i_;
    out = std::string(s_.substr(start, i_ - start));
    return !out.empty();
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

Result<OAuth2Token> parse_token_response(std::string_view json) {
  OAuth2Token token;
  std::string token_type;
  bool bad_expiry = false;
  JsonScanner scanner(json);
  const bool ok =
      scanner.object([&](const std::string& name, const std::string& value, bool is_string) {
        if (name == "access_token" && is_string) token.access_token = value;
        if (name == "token_type" && is_string) token_type = value;
        if (name == "expires_in") {
          try {
            std::size_t used = 0;
            token.expires_in_s = std::stoll(value, &used);
            bad_expiry = used != value.size() || token.expires_in_s < 0;
          } catch (const std::exception&) {
            bad_expiry = true;
          }
        }
      });
  if (!ok) {
    secure_wipe(token.access_token);
    return make_error("oauth2", "the token endpoint's answer is not a JSON object");
  }
  if (token.access_token.empty())
    return make_error("oauth2", "the token endpoint's answer has no access_token");
  for (char& c : token_type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!token_type.empty() && token_type != "bearer") {
    secure_wipe(token.access_token);
    return make_error("oauth2", "the token endpoint answered token_type " + token_type +
                                    " (only Bearer is supported)");
  }
  if (bad_expiry) token.expires_in_s = 0;
  return token;
}

OAuth2TokenCache::OAuth2TokenCache(Fetch fetch, Now now, std::chrono::seconds skew,
                                   std::chrono::seconds default_lifetime)
    : fetch_(std::move(fetch)),
      now_(std::move(now)),
      skew_(skew),
      default_lifetime_(default_lifetime) {}

OAuth2TokenCache::~OAuth2TokenCache() {
  *alive_ = false;
  for (auto& [key, entry] : entries_) secure_wipe(entry.token);
}

void OAuth2TokenCache::get(const OAuth2Client& client, Callback done) {
  const Key key = key_of(client);
  Entry& entry = entries_[key];
  if (!entry.token.empty() && now_() < entry.expires) {
    done(entry.token);
    return;
  }
  entry.waiting.push_back(std::move(done));
  if (entry.fetching) return;
  entry.fetching = true;
  ++fetches_;
  HttpRequest request;
  request.method = "POST";
  request.url = client.token_url;
  std::string pair = form_encode(client.client_id) + ":" + form_encode(client.client_secret);
  request.headers.emplace_back(
      "Authorization",
      "Basic " + base64_encode(
                     std::span(reinterpret_cast<const std::uint8_t*>(pair.data()), pair.size())));
  secure_wipe(pair);
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  request.headers.emplace_back("Accept", "application/json");
  request.body = "grant_type=client_credentials";
  if (!client.scope.empty()) request.body += "&scope=" + form_encode(client.scope);
  request.timeout = std::chrono::seconds(10);
  request.max_response_bytes = 64 * 1024;
  // The secret is in the request: https only, and the URL is never logged.
  request.https_only = true;
  request.carries_private = true;
  std::weak_ptr<bool> alive = alive_;
  fetch_(std::move(request), [this, alive, key](HttpResponse response) {
    if (alive.expired()) return;
    fetched(key, std::move(response));
  });
}

void OAuth2TokenCache::fetched(const Key& key, HttpResponse response) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  Entry& entry = it->second;
  entry.fetching = false;
  Result<std::string> outcome = make_error("oauth2", "no token");
  if (!response.ok()) {
    outcome =
        make_error("oauth2", "token endpoint: " + std::string(http_error_name(response.error)) +
                                 ": " + response.error_message);
  } else if (response.status < 200 || response.status >= 300) {
    outcome = make_error("oauth2", "token endpoint answered " + std::to_string(response.status));
  } else if (auto token = parse_token_response(response.body); !token) {
    outcome = token.error();
  } else {
    const auto lifetime =
        token->expires_in_s > 0 ? std::chrono::seconds(token->expires_in_s) : default_lifetime_;
    secure_wipe(entry.token);
    entry.token = std::move(token->access_token);
    // A token that lives shorter than the skew is used once rather than never.
    entry.expires = now_() + (lifetime > skew_ ? lifetime - skew_ : std::chrono::seconds(0));
    outcome = entry.token;
  }
  secure_wipe(response.body);
  std::vector<Callback> waiting = std::move(entry.waiting);
  entry.waiting.clear();
  for (auto& done : waiting) done(outcome);
  if (outcome) secure_wipe(*outcome);
}

void OAuth2TokenCache::invalidate(const OAuth2Client& client, std::string_view token) {
  auto it = entries_.find(key_of(client));
  if (it == entries_.end() || it->second.token != token) return;
  secure_wipe(it->second.token);
  it->second.expires = SteadyTime{};
}

}  // namespace keyline::services
