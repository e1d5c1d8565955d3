#include "server/config.h"

#include <gtest/gtest.h>

namespace keyline::server {
namespace {

TEST(Config, EmbeddedDefaultsRouteEverythingToTheDemo) {
  Config c = default_config();
  EXPECT_EQ(c.sip.listen, "127.0.0.1");
  EXPECT_EQ(c.sip.port, 5060);
  EXPECT_TRUE(c.sip.udp);
  EXPECT_TRUE(c.sip.tcp);
  ASSERT_EQ(c.deployments.size(), 1u);
  EXPECT_EQ(c.deployments[0].app, "demo");
  EXPECT_EQ(c.deployments[0].numbers, std::vector<std::string>{"*"});
}

TEST(Config, UnknownKeyNamesItsPathAndPosition) {
  auto c = parse_config("sip:\n  listen: 127.0.0.1\n  prot: 5060\n", "k.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().message.find("k.yaml:3:3: sip.prot: unknown key"), std::string::npos)
      << c.error().message;
}

TEST(Config, BadValuesAreAllReported) {
  auto c = parse_config(
      "sip:\n  port: 70000\n  udp: maybe\nlog_level: loud\ndeployments:\n  - name: x\n    numbers: "
      "[]\n",
      "k.yaml", "");
  ASSERT_FALSE(c);
  const std::string& m = c.error().message;
  EXPECT_NE(m.find("sip.port: must be between 0 and 65535"), std::string::npos) << m;
  EXPECT_NE(m.find("sip.udp: must be true or false"), std::string::npos) << m;
  EXPECT_NE(m.find("log_level: must be one of"), std::string::npos) << m;
  EXPECT_NE(m.find("deployments[0].app: is required"), std::string::npos) << m;
  EXPECT_NE(m.find("deployments[0].numbers: must be a non-empty list"), std::string::npos) << m;
}

TEST(Config, DtmfModeDefaultsToAutoAndIsValidated) {
  EXPECT_EQ(default_config().media.dtmf_mode, media::DtmfMode::kAuto);
  auto none = parse_config("media:\n  srtp: off\n", "k.yaml", "");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->media.dtmf_mode, media::DtmfMode::kAuto);
  for (auto [text, mode] :
       {std::pair{"auto", media::DtmfMode::kAuto}, std::pair{"rfc4733", media::DtmfMode::kRfc4733},
        std::pair{"inband", media::DtmfMode::kInband}, std::pair{"info", media::DtmfMode::kInfo}}) {
    auto c = parse_config(std::string("media:\n  dtmf_mode: ") + text + "\n", "k.yaml", "");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->media.dtmf_mode, mode) << text;
  }
  auto bad = parse_config("media:\n  srtp: off\n  dtmf_mode: sipinfo\n", "k.yaml", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(
                "k.yaml:3:14: media.dtmf_mode: must be one of auto, rfc4733, inband, info"),
            std::string::npos)
      << bad.error().message;
  auto not_scalar = parse_config("media:\n  dtmf_mode: {a: 1}\n", "k.yaml", "");
  ASSERT_FALSE(not_scalar);
  EXPECT_NE(not_scalar.error().message.find("k.yaml:2:14: media.dtmf_mode: must be a string"),
            std::string::npos)
      << not_scalar.error().message;
}

TEST(Config, SrtpPolicyDefaultsToOptionalAndIsValidated) {
  EXPECT_EQ(default_config().media.srtp, sdp::SrtpPolicy::kOptional);
  auto none = parse_config("sip:\n  port: 5070\n", "k.yaml", "");
  ASSERT_TRUE(none) << none.error().message;
  EXPECT_EQ(none->media.srtp, sdp::SrtpPolicy::kOptional);
  for (auto [text, policy] :
       {std::pair{"off", sdp::SrtpPolicy::kOff}, std::pair{"optional", sdp::SrtpPolicy::kOptional},
        std::pair{"mandatory", sdp::SrtpPolicy::kMandatory}}) {
    auto c = parse_config(std::string("media:\n  srtp: ") + text + "\n", "k.yaml", "");
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->media.srtp, policy) << text;
  }
  auto bad = parse_config("media:\n  rtp_port_min: 10000\n  srtp: required\n", "k.yaml", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("k.yaml:3:9: media.srtp: must be one of off, optional, "
                                     "mandatory"),
            std::string::npos)
      << bad.error().message;
  auto not_scalar = parse_config("media:\n  srtp: [off]\n", "k.yaml", "");
  ASSERT_FALSE(not_scalar);
  EXPECT_NE(not_scalar.error().message.find("k.yaml:2:9: media.srtp: must be a string"),
            std::string::npos)
      << not_scalar.error().message;
}

TEST(Config, RtpTimeoutDefaultsToAMinuteAndZeroTurnsItOff) {
  EXPECT_EQ(default_config().media.rtp_timeout_s, 60);
  auto off = parse_config("media:\n  rtp_timeout_s: 0\n", "k.yaml", "");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->media.rtp_timeout_s, 0);
  auto set = parse_config("media:\n  rtp_timeout_s: 15\n", "k.yaml", "");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->media.rtp_timeout_s, 15);
  auto bad = parse_config("media:\n  rtp_timeout_s: -1\n", "k.yaml", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("media.rtp_timeout_s"), std::string::npos)
      << bad.error().message;
}

TEST(Config, RealtimePriorityIsOffByDefaultAndBounded) {
  EXPECT_EQ(default_config().media.realtime_priority, 0);
  auto set = parse_config("media:\n  realtime_priority: 10\n", "k.yaml", "");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->media.realtime_priority, 10);
  for (const char* bad_value : {"100", "-1", "high"}) {
    auto bad =
        parse_config(std::string("media:\n  realtime_priority: ") + bad_value + "\n", "k.yaml", "");
    ASSERT_FALSE(bad) << bad_value;
    EXPECT_NE(bad.error().message.find("k.yaml:2:22: media.realtime_priority"), std::string::npos)
        << bad.error().message;
  }
}

TEST(Config, SipConnectionLimitsAndIdleTimeout) {
  EXPECT_EQ(default_config().sip.idle_timeout_s, 300);
  EXPECT_EQ(default_config().sip.max_connections, 0);
  auto set = parse_config(
      "sip:\n  idle_timeout_s: 0\n  max_connections: 100\n  max_connections_per_source: 5\n",
      "k.yaml", "");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->sip.idle_timeout_s, 0);
  EXPECT_EQ(set->sip.max_connections, 100);
  EXPECT_EQ(set->sip.max_connections_per_source, 5);
  auto negative = parse_config("sip:\n  idle_timeout_s: -5\n", "k.yaml", "");
  ASSERT_FALSE(negative);
  EXPECT_NE(negative.error().message.find("sip.idle_timeout_s"), std::string::npos)
      << negative.error().message;
  auto inverted =
      parse_config("sip:\n  max_connections: 10\n  max_connections_per_source: 20\n", "k.yaml", "");
  ASSERT_FALSE(inverted);
  EXPECT_NE(inverted.error().message.find("must not exceed sip.max_connections"), std::string::npos)
      << inverted.error().message;
  auto text = parse_config("sip:\n  max_connections: many\n", "k.yaml", "");
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().message.find("sip.max_connections"), std::string::npos)
      << text.error().message;
}

TEST(Config, SyntaxErrorHasPosition) {
  auto c = parse_config("sip: [unclosed\n", "k.yaml", "");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message.rfind("k.yaml:", 0), 0u) << c.error().message;
}

TEST(Config, RelativePathsResolveAgainstTheConfigDirectory) {
  auto c = parse_config("apps_dir: apps\ndata_dir: /var/lib/keyline\n", "k.yaml", "/etc/keyline");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->apps_dir, "/etc/keyline/apps");
  EXPECT_EQ(c->data_dir, "/var/lib/keyline");
}

TEST(Config, ApiIsOnByDefaultOnLoopbackAndItsSettingsAreValidated) {
  Config d = default_config();
  EXPECT_TRUE(d.api.enabled);
  EXPECT_EQ(d.api.listen, "127.0.0.1");
  EXPECT_EQ(d.api.port, 8443);
  EXPECT_EQ(d.retention.call_log_detail_days, 30);
  auto c = parse_config(
      "api:\n  port: 0\n  threads: 4\n  tls_cert: c.pem\n  tls_key: k.pem\nretention:\n"
      "  call_log_detail_days: 7\n  call_log_days: 90\n",
      "k.yaml", "/etc/keyline");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->api.port, 0);
  EXPECT_EQ(c->api.threads, 4);
  EXPECT_EQ(c->api.tls_cert, "/etc/keyline/c.pem");
  EXPECT_EQ(c->retention.call_log_days, 90);
  auto half = parse_config("api:\n  tls_cert: c.pem\n  threads: 0\n", "k.yaml", "");
  ASSERT_FALSE(half);
  EXPECT_NE(half.error().message.find("tls_cert and tls_key"), std::string::npos);
  EXPECT_NE(half.error().message.find("api.threads"), std::string::npos) << half.error().message;
}

TEST(Config, SessionTimerSettings) {
  EXPECT_EQ(default_config().sip.session_expires_s, 1800);
  EXPECT_EQ(default_config().sip.min_se_s, 90);
  auto off = parse_config("sip:\n  session_expires_s: 0\n  min_se_s: 120\n", "k.yaml", "");
  ASSERT_TRUE(off) << off.error().message;
  EXPECT_EQ(off->sip.session_expires_s, 0);
  EXPECT_EQ(off->sip.min_se_s, 120);
  auto small = parse_config("sip:\n  min_se_s: 60\n", "k.yaml", "");
  ASSERT_FALSE(small);
  EXPECT_NE(small.error().message.find("sip.min_se_s: must be between 90 and 86400"),
            std::string::npos)
      << small.error().message;
  auto below = parse_config("sip:\n  session_expires_s: 100\n  min_se_s: 200\n", "k.yaml", "");
  ASSERT_FALSE(below);
  EXPECT_NE(below.error().message.find("sip.session_expires_s: must be 0 or at least min_se_s"),
            std::string::npos)
      << below.error().message;
}

}  // namespace
}  // namespace keyline::server
