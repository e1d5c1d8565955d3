// The outbound routes over a real SQLite queue: queue one call, queue a CSV (all or nothing),
// read call_details, cancel; validation answers 422 and writes nothing; roles as other writes.
#include "api_fixture.h"

namespace keyline::api {
namespace {

class OutboundApiTest : public ApiFixture {
 protected:
  void SetUp() override {
    ApiFixture::SetUp();
    ASSERT_EQ(call("PUT", "/v1/apps/reminder", developer_, demo_app("reminder")).status, 201);
    ASSERT_EQ(call("POST", "/v1/deployments", developer_,
                   R"({"label":"remind","app":"reminder","numbers":["100"]})")
                  .status,
              201);
    share_with_viewer("deployment", "remind");  // its queue is as private as it is
  }
  Response csv(const std::string& body, std::map<std::string, std::string> query = {}) {
    Request r;
    r.method = "POST";
    r.path = "/v1/deployments/remind/outbound/bulk";
    r.authorization = "Bearer " + developer_;
    r.content_type = "text/csv";
    r.body = body;
    r.query = std::move(query);
    return service_->handle(r);
  }
  std::size_t queued() {
    auto calls = outbound_->list("remind", 1000);
    return calls ? calls->size() : 0;
  }
};

TEST_F(OutboundApiTest, QueueOneThenReadItsDetailsWithoutParameters) {
  auto r = call("POST", "/v1/deployments/remind/outbound", developer_,
                R"({"phone_number":"tel:+16175551234;ani=8005550000;postd=2",
                    "parameters":{"patient":"Ada","pin":987654},
                    "max_attempts":3,"reattempt_wait":300,
                    "result_url":"https://example.com/done"})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto body = parse_json(r.body);
  ASSERT_TRUE(body);
  const std::string id = body->find("call_id")->as_string();
  EXPECT_EQ(id.size(), 32u);
  EXPECT_EQ(body->find("status")->as_string(), "queued");
  EXPECT_EQ(body->find("links")->find("self")->as_string(), "/v1/outbound/" + id);

  auto stored = outbound_->get(id);
  ASSERT_TRUE(stored && stored->has_value());
  EXPECT_EQ((**stored).ani, "8005550000");
  EXPECT_EQ((**stored).postd, "2");
  EXPECT_EQ((**stored).start_unix_ms, 1'700'000'000'000);

  auto got = call("GET", "/v1/outbound/" + id, viewer_);
  ASSERT_EQ(got.status, 200);
  auto details = parse_json(got.body);
  ASSERT_TRUE(details);
  const Json* d = details->find("call_details");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->find("status")->as_string(), "queued");
  EXPECT_EQ(d->find("phone_number")->as_string(), "+16175551234");
  EXPECT_EQ(*d->find("max_attempts")->as_integer(), 3);
  EXPECT_EQ(d->find("events")->as_array().size(), 1u);
  EXPECT_EQ(got.body.find("Ada"), std::string::npos);  // parameters are never shown
  EXPECT_EQ(got.body.find("987654"), std::string::npos);
  EXPECT_EQ(call("GET", "/v1/outbound/nope", viewer_).status, 404);
  auto listed = call("GET", "/v1/deployments/remind/outbound", viewer_);
  ASSERT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find(id), std::string::npos);
}

TEST_F(OutboundApiTest, BadFieldsAreAllReportedAndNothingIsQueued) {
  auto r = call("POST", "/v1/deployments/remind/outbound", developer_,
                R"({"phone_number":"12ab","max_attempts":11,"reattempt_wait":5,
                    "result_url":"ftp://x","parameters":[],"color":"red"})");
  ASSERT_EQ(r.status, 422) << r.body;
  for (const char* where :
       {"/max_attempts", "/reattempt_wait", "/result_url", "/parameters", "/color"})
    EXPECT_NE(r.body.find(where), std::string::npos) << where;
  auto bad_number =
      call("POST", "/v1/deployments/remind/outbound", developer_, R"({"phone_number":"12ab"})");
  EXPECT_EQ(bad_number.status, 422);
  EXPECT_NE(bad_number.body.find("/phone_number"), std::string::npos);
  EXPECT_EQ(call("POST", "/v1/deployments/remind/outbound", developer_,
                 R"({"phone_number":"6175551234","max_attempts":2})")
                .status,
            422);  // retries need a reattempt_wait
  EXPECT_EQ(call("POST", "/v1/deployments/remind/outbound", developer_,
                 R"({"phone_number":"6175551234","end":"2020-01-01T00:00:00Z"})")
                .status,
            422);  // a window already over
  EXPECT_EQ(
      call("POST", "/v1/deployments/nope/outbound", developer_, R"({"phone_number":"6175551234"})")
          .status,
      404);
  EXPECT_EQ(
      call("POST", "/v1/deployments/remind/outbound", viewer_, R"({"phone_number":"6175551234"})")
          .status,
      403);
  EXPECT_EQ(queued(), 0u);
}

TEST_F(OutboundApiTest, SecureCallsNeedAnHttpsResultUrl) {
  auto r = call("POST", "/v1/deployments/remind/outbound", developer_,
                R"({"phone_number":"6175551234","secure":true,
                    "result_url":"http://example.com/done"})");
  EXPECT_EQ(r.status, 422) << r.body;
  EXPECT_NE(r.body.find("/result_url"), std::string::npos) << r.body;
  EXPECT_EQ(queued(), 0u);
}

TEST_F(OutboundApiTest, BulkCsvIsAllOrNothingWithPerRowErrors) {
  auto bad = csv("destination,ani,patient\n6175551234,,Ada\nnot-a-number,,Bob\n6175551235,x,Cy\n");
  ASSERT_EQ(bad.status, 422) << bad.body;
  EXPECT_NE(bad.body.find("line 3"), std::string::npos);
  EXPECT_NE(bad.body.find("line 4"), std::string::npos);
  EXPECT_EQ(bad.body.find("line 2"), std::string::npos);
  EXPECT_EQ(queued(), 0u);

  auto audits = audit_->recent(1000)->size();
  auto ok = csv("destination,ani,patient\n6175551234,,Ada\n6175551235;postd=1,8005550000,Bob\n",
                {{"max_attempts", "2"}, {"reattempt_wait", "600"}});
  ASSERT_EQ(ok.status, 201) << ok.body;
  auto body = parse_json(ok.body);
  ASSERT_TRUE(body);
  EXPECT_EQ(*body->find("count")->as_integer(), 2);
  const auto& calls = body->find("calls")->as_array();
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(*calls[1].find("line")->as_integer(), 3);
  auto second = outbound_->get(calls[1].find("call_id")->as_string());
  ASSERT_TRUE(second && second->has_value());
  EXPECT_EQ((**second).ani, "8005550000");
  EXPECT_EQ((**second).postd, "1");
  EXPECT_EQ((**second).max_attempts, 2);
  EXPECT_EQ((**second).parameters, R"({"patient":"Bob"})");
  EXPECT_EQ(audit_->recent(1000)->size(), audits + 1);
  EXPECT_EQ(audit_->recent(1)->front().action, "outbound.queue_bulk");

  EXPECT_EQ(csv("destination\n6175551234\n", {{"max_attempts", "x"}}).status, 422);
  EXPECT_EQ(csv("phone\n6175551234\n").status, 422);
  Request json_body;
  json_body.method = "POST";
  json_body.path = "/v1/deployments/remind/outbound/bulk";
  json_body.authorization = "Bearer " + developer_;
  json_body.content_type = "application/json";
  json_body.body = "{}";
  EXPECT_EQ(service_->handle(json_body).status, 415);
}

TEST_F(OutboundApiTest, CancelEndsEveryPendingCallOfTheDeployment) {
  for (int i = 0; i < 3; ++i)
    ASSERT_EQ(call("POST", "/v1/deployments/remind/outbound", developer_,
                   R"({"phone_number":"6175551234"})")
                  .status,
              201);
  auto r = call("DELETE", "/v1/deployments/remind/outbound", developer_);
  ASSERT_EQ(r.status, 202) << r.body;
  EXPECT_NE(r.body.find("\"canceled\":3"), std::string::npos) << r.body;
  auto calls = outbound_->list("remind", 10);
  ASSERT_TRUE(calls);
  ASSERT_EQ(calls->size(), 3u);
  for (const auto& c : *calls) EXPECT_EQ(c.status, store::OutboundStatus::kCanceled);
  EXPECT_EQ(call("DELETE", "/v1/deployments/remind/outbound", viewer_).status, 403);
  EXPECT_EQ(call("DELETE", "/v1/deployments/nope/outbound", developer_).status, 404);
}

}  // namespace
}  // namespace keyline::api
