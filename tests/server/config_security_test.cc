// sip.tls and sip.auth: what is required, where passwords come from, and
// that an error never quotes a password.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "server/config.h"

namespace keyline::server {
namespace {

TEST(ConfigSecurity, TlsNeedsCertAndKeyAndCaForVerifyClient) {
  auto c = parse_config("sip:\n  tls:\n    port: 5061\n    verify_client: true\n", "k.yaml", "");
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("sip.tls.cert: is required"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.tls.key: is required"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.tls.ca: is required when verify_client"), std::string::npos) << m;
}

TEST(ConfigSecurity, TlsPathsResolveAgainstTheConfigDirectory) {
  auto c =
      parse_config("sip:\n  tls: {port: 0, cert: c.pem, key: /abs/k.pem}\n", "k.yaml", "/etc/kl");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->sip.tls.enabled);
  EXPECT_EQ(c->sip.tls.port, 0);
  EXPECT_EQ(c->sip.tls.cert, "/etc/kl/c.pem");
  EXPECT_EQ(c->sip.tls.key, "/abs/k.pem");
  EXPECT_FALSE(default_config().sip.tls.enabled);
}

TEST(ConfigSecurity, PasswordsFromEnvFileAndLiteral) {
  ::setenv("KEYLINE_CONFIG_TEST_PW", "from-env", 1);
  std::string file = testing::TempDir() + "/keyline-config-test.pw";
  FILE* f = std::fopen(file.c_str(), "w");
  ASSERT_TRUE(f);
  std::fputs("from-file\n", f);
  std::fclose(f);
  auto c = parse_config(
      "sip:\n  auth:\n    realm: r\n    users:\n"
      "      - {user: a, password: \"env:KEYLINE_CONFIG_TEST_PW\"}\n"
      "      - {user: b, password: \"file:" +
          file +
          "\"}\n"
          "      - {user: c, password: plain}\n",
      "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sip.auth.users.at("a"), "from-env");
  EXPECT_EQ(c->sip.auth.users.at("b"), "from-file");
  EXPECT_EQ(c->sip.auth.users.at("c"), "plain");
  EXPECT_EQ(c->sip.auth.algorithms, (std::vector<std::string>{"SHA-256", "MD5"}));
  std::remove(file.c_str());
}

TEST(ConfigSecurity, AuthErrorsNameTheSourceNotThePassword) {
  ::unsetenv("KEYLINE_CONFIG_TEST_MISSING");
  auto c = parse_config(
      "sip:\n  auth:\n    realm: r\n    algorithms: [SHA-512]\n    users:\n"
      "      - {user: a, password: \"env:KEYLINE_CONFIG_TEST_MISSING\"}\n"
      "      - {user: a, password: hunter2}\n",
      "k.yaml", "");
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("KEYLINE_CONFIG_TEST_MISSING is not set"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.auth.algorithms[0]: must be SHA-256 or MD5"), std::string::npos) << m;
  EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
}

TEST(ConfigSecurity, AccessPolicyIsReadAndValidated) {
  auto ok = parse_config(
      "sip:\n  access:\n    allow: [10.0.0.0/8, \"::1\"]\n    deny: \"403\"\n"
      "    rate_per_second: 50\n    max_calls: 20\n    ban_after_failures: 5\n",
      "k.yaml", "");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->sip.access.allow, (std::vector<std::string>{"10.0.0.0/8", "::1"}));
  EXPECT_TRUE(ok->sip.access.deny_with_403);
  EXPECT_EQ(ok->sip.access.rate_per_second, 50);
  EXPECT_EQ(ok->sip.access.burst, 100);  // twice the rate unless given
  EXPECT_EQ(ok->sip.access.max_calls, 20);
  auto bad = parse_config("sip:\n  access:\n    allow: [10.0.0.0/40, nope]\n    deny: maybe\n",
                          "k.yaml", "");
  ASSERT_FALSE(bad);
  const std::string& m = bad.error().message;
  EXPECT_NE(m.find("sip.access.allow[0]: must be an IPv4/IPv6 address"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.access.allow[1]"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.access.deny: must be silent or 403"), std::string::npos) << m;
}

}  // namespace
}  // namespace keyline::server
