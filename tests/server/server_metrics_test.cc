#include "server/server_metrics.h"

#include <gtest/gtest.h>

namespace keyline::server {
namespace {

TEST(ServerMetrics, SipResponsesByCodeAndRequestsByMethod) {
  ServerMetrics m;
  m.count_sip_response(200);
  m.count_sip_response(200);
  m.count_sip_response(486);
  m.count_sip_response(99);   // not a status: ignored
  m.count_sip_response(700);  // nor this
  m.count_sip_request("INVITE");
  m.count_sip_request("BYE");
  m.count_sip_request("FOO");     // unknown methods are counted together
  m.count_sip_request("invite");  // methods are case-sensitive (RFC 3261 7.1): not INVITE
  const std::string text = m.prometheus_text();
  EXPECT_NE(text.find("keyline_sip_responses_sent_total{code=\"200\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("keyline_sip_responses_sent_total{code=\"486\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("code=\"180\""), std::string::npos) << "codes never sent are left out";
  EXPECT_EQ(text.find("code=\"99\""), std::string::npos);
  EXPECT_NE(text.find("keyline_sip_requests_received_total{method=\"INVITE\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("keyline_sip_requests_received_total{method=\"BYE\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("keyline_sip_requests_received_total{method=\"other\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("keyline_sip_requests_received_total{method=\"CANCEL\"} 0\n"),
            std::string::npos);
}

TEST(ServerMetrics, GaugeTextIsOnePrometheusGauge) {
  EXPECT_EQ(ServerMetrics::gauge_text("keyline_x", "An x.", 7),
            "# HELP keyline_x An x.\n# TYPE keyline_x gauge\nkeyline_x 7\n");
}

}  // namespace
}  // namespace keyline::server
