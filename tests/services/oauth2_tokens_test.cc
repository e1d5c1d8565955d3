// OAuth2 client-credentials tokens: the request sent to the token endpoint, caching until
// expiry minus the skew, one fetch for many waiting calls, refresh after a 401, and the
// answers a token endpoint may give.
#include <gtest/gtest.h>

#include "base/base64.h"
#include "services/oauth2_tokens.h"

namespace keyline::services {
namespace {

using std::chrono::seconds;

class OAuth2CacheTest : public ::testing::Test {
 protected:
  OAuth2CacheTest()
      : cache_(
            [this](HttpRequest r, HttpClient::Callback done) {
              requests_.push_back(std::move(r));
              pending_.push_back(std::move(done));
            },
            [this] { return now_; }, seconds(30)) {
    client_.token_url = "https://auth.example.com/token";
    client_.client_id = "kl";
    client_.client_secret = "s3cr&t";
    client_.scope = "calls:write";
  }

  void answer(int status, std::string body) {
    ASSERT_FALSE(pending_.empty());
    HttpResponse r;
    r.status = status;
    r.body = std::move(body);
    auto done = std::move(pending_.front());
    pending_.erase(pending_.begin());
    done(std::move(r));
  }

  std::vector<Result<std::string>> got_;
  OAuth2TokenCache::Callback collect() {
    return [this](Result<std::string> t) { got_.push_back(std::move(t)); };
  }

  SteadyTime now_ = SteadyTime{} + seconds(1000);
  std::vector<HttpRequest> requests_;
  std::vector<HttpClient::Callback> pending_;
  OAuth2TokenCache cache_;
  OAuth2Client client_;
};

TEST_F(OAuth2CacheTest, SendsClientCredentialsAndCachesTheTokenUntilExpiryMinusSkew) {
  cache_.get(client_, collect());
  ASSERT_EQ(requests_.size(), 1u);
  const HttpRequest& r = requests_[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.url, "https://auth.example.com/token");
  EXPECT_EQ(r.body, "grant_type=client_credentials&scope=calls%3Awrite");
  EXPECT_TRUE(r.https_only);
  EXPECT_TRUE(r.carries_private);  // the secret: never logged
  std::string auth;
  for (const auto& [n, v] : r.headers)
    if (n == "Authorization") auth = v;
  const std::string expected = "kl:s3cr%26t";
  EXPECT_EQ(auth, "Basic " + base64_encode(
                                 std::span(reinterpret_cast<const std::uint8_t*>(expected.data()),
                                           expected.size())));
  answer(200, R"({"access_token": "T1", "token_type": "Bearer", "expires_in": 120})");
  ASSERT_EQ(got_.size(), 1u);
  ASSERT_TRUE(got_[0]);
  EXPECT_EQ(*got_[0], "T1");

  now_ += seconds(89);  // 120 - 30 s of skew: still good
  cache_.get(client_, collect());
  EXPECT_EQ(requests_.size(), 1u);
  ASSERT_EQ(got_.size(), 2u);
  EXPECT_EQ(*got_[1], "T1");
  now_ += seconds(1);  // expired (minus the skew): a new fetch
  cache_.get(client_, collect());
  EXPECT_EQ(requests_.size(), 2u);
  answer(200, R"({"access_token": "T2", "expires_in": 120})");
  EXPECT_EQ(*got_[2], "T2");
  EXPECT_EQ(cache_.fetches(), 2u);
}

TEST_F(OAuth2CacheTest, CallsWaitingForTheSameClientShareOneFetch) {
  cache_.get(client_, collect());
  cache_.get(client_, collect());
  cache_.get(client_, collect());
  EXPECT_EQ(requests_.size(), 1u);
  OAuth2Client other = client_;
  other.scope = "other";
  cache_.get(other, collect());  // another scope is another token
  EXPECT_EQ(requests_.size(), 2u);
  answer(200, R"({"access_token": "A", "expires_in": 3600})");
  ASSERT_EQ(got_.size(), 3u);
  for (const auto& g : got_) EXPECT_EQ(*g, "A");
  answer(200, R"({"access_token": "B", "expires_in": 3600})");
  ASSERT_EQ(got_.size(), 4u);
  EXPECT_EQ(*got_[3], "B");
}

TEST_F(OAuth2CacheTest, InvalidateAfterA401FetchesAgainButKeepsANewerToken) {
  cache_.get(client_, collect());
  answer(200, R"({"access_token": "old", "expires_in": 3600})");
  cache_.invalidate(client_, "stale-and-unknown");  // not the cached one: kept
  cache_.get(client_, collect());
  EXPECT_EQ(requests_.size(), 1u);
  cache_.invalidate(client_, "old");
  cache_.get(client_, collect());
  ASSERT_EQ(requests_.size(), 2u);
  answer(200, R"({"access_token": "new", "expires_in": 3600})");
  EXPECT_EQ(*got_.back(), "new");
}

TEST_F(OAuth2CacheTest, FailuresReachEveryWaiterAndAreNotCached) {
  cache_.get(client_, collect());
  cache_.get(client_, collect());
  answer(401, R"({"error": "invalid_client"})");
  ASSERT_EQ(got_.size(), 2u);
  for (const auto& g : got_) {
    ASSERT_FALSE(g);
    EXPECT_NE(g.error().message.find("401"), std::string::npos);
    EXPECT_EQ(g.error().message.find("s3cr"), std::string::npos);
  }
  cache_.get(client_, collect());
  EXPECT_EQ(requests_.size(), 2u);  // tried again
  HttpResponse down;
  down.error = HttpError::kConnect;
  down.error_message = "refused";
  auto done = std::move(pending_.front());
  pending_.clear();
  done(down);
  ASSERT_FALSE(got_.back());
  EXPECT_NE(got_.back().error().message.find("connect"), std::string::npos);
}

TEST(OAuth2TokenResponse, ReadsTheTokenAndItsLifetime) {
  auto t = parse_token_response(
      R"({"access_token":"a\"b","token_type":"bearer","expires_in":3599,"extra":{"x":[1,"}"]}})");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->access_token, "a\"b");
  EXPECT_EQ(t->expires_in_s, 3599);
  auto no_expiry = parse_token_response(R"({"access_token":"x"})");
  ASSERT_TRUE(no_expiry);
  EXPECT_EQ(no_expiry->expires_in_s, 0);
  EXPECT_FALSE(parse_token_response(R"({"token_type":"Bearer"})"));
  EXPECT_FALSE(parse_token_response(R"({"access_token":"x","token_type":"mac"})"));
  EXPECT_FALSE(parse_token_response("not json"));
  EXPECT_FALSE(parse_token_response(R"({"access_token":"x")"));
  EXPECT_FALSE(parse_token_response(R"({"access_token":"x"} trailing)"));
  EXPECT_FALSE(parse_token_response(""));
}

}  // namespace
}  // namespace keyline::services
