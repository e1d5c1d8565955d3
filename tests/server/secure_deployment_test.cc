// Secure deployments: the config keys, the transport and media rules a call must meet, and the
// audit gate a secure app passes before it is served.
#include "server/secure_deployment.h"

#include <gtest/gtest.h>

#include "flow/privacy_audit.h"

namespace keyline::server {
namespace {

Result<Config> parse(std::string_view deployment_keys) {
  const std::string yaml = "deployments:\n  - name: pay\n    numbers: [\"200\"]\n    app: demo\n" +
                           std::string(deployment_keys);
  return parse_config(yaml, "k.yaml", "");
}

TEST(SecureDeployment, ConfigKeys) {
  auto plain = parse("");
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_FALSE(plain->deployments[0].secure);

  auto secure = parse("    secure: true\n");
  ASSERT_TRUE(secure) << secure.error().message;
  EXPECT_TRUE(secure->deployments[0].secure);
  EXPECT_FALSE(secure->deployments[0].secure_media_warn) << "require is the default";

  auto warn = parse("    secure: true\n    secure_media: warn\n");
  ASSERT_TRUE(warn) << warn.error().message;
  EXPECT_TRUE(warn->deployments[0].secure_media_warn);

  auto bad = parse("    secure: yes please\n    secure_media: maybe\n");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("k.yaml:5:13: deployments[0].secure: must be true or false"),
            std::string::npos)
      << bad.error().message;
  EXPECT_NE(bad.error().message.find("deployments[0].secure_media: must be require or warn"),
            std::string::npos);

  auto orphan = parse("    secure_media: warn\n");
  ASSERT_FALSE(orphan);
  EXPECT_NE(orphan.error().message.find("applies to secure: true deployments only"),
            std::string::npos);
}

TEST(SecureDeployment, TransportAndMediaRules) {
  Deployment d;
  d.name = "pay";
  EXPECT_EQ(check_transport(d, false).status, 0) << "not secure: anything goes";
  EXPECT_EQ(check_media(d, false).status, 0);

  d.secure = true;
  EXPECT_EQ(check_transport(d, true).status, 0);
  EXPECT_EQ(check_media(d, true).status, 0);
  const auto udp = check_transport(d, false);
  EXPECT_EQ(udp.status, 403);
  EXPECT_TRUE(udp.refuse);
  EXPECT_EQ(
      udp.reason,
      "deployment 'pay' is secure: the call must arrive over SIP/TLS (sips: or transport=tls)");
  const auto rtp = check_media(d, false);
  EXPECT_EQ(rtp.status, 488);
  EXPECT_TRUE(rtp.refuse);

  d.secure_media_warn = true;
  EXPECT_EQ(check_transport(d, false).status, 403);
  EXPECT_FALSE(check_transport(d, false).refuse) << "warn: accepted and logged";
  EXPECT_FALSE(check_media(d, false).refuse);
}

flow::AppDocument app(std::string_view settings, std::string_view modules) {
  const std::string json = R"({"name": "t", "settings": {)" + std::string(settings) +
                           R"(}, "pages": [{"name": "p", "modules": [)" + std::string(modules) +
                           "]}]}";
  auto parsed = flow::parse_app(json, "t.json");
  EXPECT_TRUE(parsed.ok()) << parsed.error().message;
  return parsed.ok() ? std::move(parsed).value() : flow::AppDocument{};
}

TEST(SecureDeployment, AuditGate) {
  constexpr std::string_view kOptOut =
      R"({"type": "digits", "name": "ref", "private": false, "prompt": "Ref?"})";
  // An ordinary app is not gated, whatever its findings.
  EXPECT_TRUE(check_secure_audit(app("", kOptOut), "app t"));
  const auto refused = check_secure_audit(app(R"("secure": true)", kOptOut), "app t");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("app t: the privacy audit has errors"), std::string::npos);
  EXPECT_NE(refused.error().message.find("t.json:1:"), std::string::npos);
  EXPECT_NE(refused.error().message.find("[ref: not_private]"), std::string::npos);
  EXPECT_TRUE(check_secure_audit(
      app(R"("secure": true, "audit_acknowledged": ["ref: not_private"])", kOptOut), "app t"));
  // As a secure deployment runs it, the opt-out is overridden: nothing left to acknowledge.
  EXPECT_TRUE(check_secure_audit(flow::as_secure_deployment(app("", kOptOut)), "deployment d"));
}

}  // namespace
}  // namespace keyline::server
