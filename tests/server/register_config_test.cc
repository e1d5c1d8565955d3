// sip.register and sip.trunk_reload_s as the config reader takes them (register_config.h).
#include <gtest/gtest.h>

#include "server/config.h"

namespace keyline::server {
namespace {

TEST(RegisterConfig, ReadsAListWithDefaultsFromTheAor) {
  auto c = parse_config(
      "sip:\n  trunk_reload_s: 0\n  register:\n"
      "    - registrar: \"sip:192.0.2.10:5070\"\n      aor: \"sip:4420@carrier.example\"\n"
      "      username: \"4420\"\n      password: \"env:PW\"\n      expires: 600\n",
      "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->sip.trunk_reload_s, 0);
  ASSERT_EQ(c->sip.registrations.size(), 1u);
  const auto& r = c->sip.registrations[0];
  EXPECT_EQ(r.name, "192.0.2.10");
  EXPECT_EQ(r.contact_user, "4420");
  EXPECT_EQ(r.password_ref, "env:PW");
  EXPECT_EQ(r.expires_s, 600);
  EXPECT_EQ(r.transport, "udp");
}

TEST(RegisterConfig, APasswordInTheConfigAndBadValuesAreRefused) {
  auto c = parse_config(
      "sip:\n  register:\n    registrar: \"http://x\"\n    aor: \"sip:carrier.example\"\n"
      "    username: u\n    password: hunter2\n    expires: 5\n    transport: tls\n",
      "k.yaml", "");
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("sip.register.registrar"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.register.aor"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.register.password"), std::string::npos) << m;
  EXPECT_EQ(m.find("hunter2"), std::string::npos) << "the password must not be echoed: " << m;
  EXPECT_NE(m.find("sip.register.expires"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.register.transport"), std::string::npos) << m;
}

TEST(RegisterConfig, NoRegisterSectionMeansNoRegistrations) {
  auto c = parse_config("sip:\n  port: 5060\n", "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->sip.registrations.empty());
  EXPECT_EQ(c->sip.trunk_reload_s, 10);
}

}  // namespace
}  // namespace keyline::server
