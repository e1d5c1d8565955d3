// The `email:` and `sms:` sections: what is required, that credentials come from env:/file:
// only (and are listed for the permission check), and that plain SMTP is for loopback only.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>

#include "server/config.h"
#include "server/secret_files.h"

namespace keyline::server {
namespace {

TEST(MessageConfig, AbsentSectionsSendNothing) {
  auto c = parse_config("log_level: info\n", "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->messaging.email);
  EXPECT_FALSE(c->messaging.sms);
}

TEST(MessageConfig, EmailWithAPasswordFile) {
  char path[] = "/tmp/keyline-smtp-pw-XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "s3cret\n", 7), 7);
  close(fd);
  auto c = parse_config(std::string("email:\n  host: smtp.example.com\n  user: ivr\n"
                                    "  password: file:") +
                            path + "\n  from: ivr@example.com\n  tls: implicit\n",
                        "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->messaging.email);
  EXPECT_EQ(c->messaging.email->port, 465);
  EXPECT_EQ(c->messaging.email->tls, services::SmtpConfig::Tls::kImplicit);
  EXPECT_EQ(std::string(c->messaging.email->password.view()), "s3cret");
  bool listed = false;
  for (const auto& f : secret_files(*c)) listed = listed || f.path == path;
  EXPECT_TRUE(listed);
  std::remove(path);
}

TEST(MessageConfig, LiteralSecretsAndPlainRemoteRelaysAreRefused) {
  auto c = parse_config(
      "email:\n  host: smtp.example.com\n  user: ivr\n  password: hunter2\n"
      "  from: ivr@example.com\n  allow_plain_loopback: true\n"
      "sms:\n  url: http://sms.example.com/send\n  from: '+15005550006'\n"
      "  auth_value: Basic abc\n  format: xml\n",
      "k.yaml", "");
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  for (const char* expected :
       {"email.password: must be env:VARIABLE or file:PATH", "email.allow_plain_loopback: is only",
        "sms.url: is required and must be an https:// URL", "sms.auth_value: must be env:",
        "sms.format: must be form"}) {
    EXPECT_NE(m.find(expected), std::string::npos) << expected << "\n" << m;
  }
  EXPECT_EQ(m.find("hunter2"), std::string::npos);
  EXPECT_EQ(m.find("Basic abc"), std::string::npos);
}

TEST(MessageConfig, SmsFromTheEnvironment) {
  ::setenv("KEYLINE_SMS_TEST_AUTH", "Bearer t0k", 1);
  auto c = parse_config(
      "sms:\n  url: https://sms.example.com/send\n  from: '+15005550006'\n"
      "  format: json\n  auth_header: X-Api-Key\n  auth_value: env:KEYLINE_SMS_TEST_AUTH\n",
      "k.yaml", "");
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_TRUE(c->messaging.sms);
  EXPECT_EQ(c->messaging.sms->format, services::SmsProviderConfig::Format::kJson);
  EXPECT_EQ(c->messaging.sms->auth_header, "X-Api-Key");
  EXPECT_EQ(std::string(c->messaging.sms->auth_value.view()), "Bearer t0k");
}

}  // namespace
}  // namespace keyline::server
