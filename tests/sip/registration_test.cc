// REGISTER as a UAC (RFC 3261 10) through the real user agent and transaction layer, against a
// scripted registrar whose digest check is the real DigestAuthenticator: challenge and answer,
// refresh at half the granted interval, 423 Min-Expires, backoff after failures with
// Retry-After, wrong credentials, and Expires: 0 on stop.
#include "sip/registration.h"

#include <gtest/gtest.h>

#include "base/log.h"
#include "sip/digest_authenticator.h"
#include "sip/user_agent.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

class RegistrationTest : public ::testing::Test {
 protected:
  RegistrationTest() {
    UaConfig config;
    config.t1 = ms(500);
    ua = std::make_unique<UserAgent>(clock, sink, LocalAddress{"192.0.2.9", 5060}, config,
                                     UserAgent::Handlers{}, logger, ids);
    DigestAuthConfig ac;
    ac.realm = "registrar.test";
    ac.users = {{"4420", "s3cret"}};
    auth = DigestAuthenticator::create(
               ac, wall,
               [n = std::uint8_t{0}](std::span<std::uint8_t> out) mutable -> Status {
                 for (auto& b : out) b = ++n;
                 return Ok{};
               })
               .value();
  }

  std::unique_ptr<Registration> make(const std::string& password = "s3cret") {
    RegistrationConfig rc;
    rc.name = "carrier";
    rc.registrar = "sip:registrar.test";
    rc.aor = "sip:4420@registrar.test";
    rc.contact = ua->contact(udp_peer(), "4420");
    rc.username = "4420";
    rc.password = password;
    rc.expires_s = 600;
    rc.retry_min = ms(30000);
    rc.retry_max = ms(120000);
    return std::make_unique<Registration>(
        rc, clock, ids,
        [this](Message m, Registration::FinalResponse done) -> Status {
          auto tx = ua->send_request(std::move(m), udp_peer(), std::move(done));
          if (!tx) return tx.error();
          return Ok{};
        },
        [this](RegistrationState s, const std::string&) {
          states.push_back(std::string(registration_state_name(s)));
        });
  }

  // The one REGISTER sent since the last call.
  Message sent_register() {
    auto sent = sink.take();
    EXPECT_EQ(start_lines(sent), (std::vector<std::string>{"REGISTER"}));
    return sent.empty() ? Message{} : sent.back();
  }

  // The registrar's answer: 401 with its challenge without good credentials, else `status`.
  void registrar_answers(const Message& request, int status,
                         std::vector<std::pair<std::string, std::string>> headers = {}) {
    Message r = make_response(request, status, {}, "reg1");
    for (auto& [name, value] : headers) r.add_header(name, value);
    ua->on_message(parse_or_die(r.serialize()), udp_peer());
  }
  // Challenges or accepts as the real authenticator decides; returns the status sent.
  int registrar_checks(const Message& request, const std::string& contact_expires) {
    auto outcome = auth->check(request, "192.0.2.1");
    if (outcome.verdict != AuthVerdict::kOk) {
      std::vector<std::pair<std::string, std::string>> h;
      for (auto& c : outcome.challenges) h.emplace_back("WWW-Authenticate", c);
      registrar_answers(request, 401, h);
      return 401;
    }
    registrar_answers(
        request, 200,
        {{"Contact", "<sip:other@198.51.100.7>;expires=3000"},
         {"Contact", std::string(*request.header("Contact")) + ";expires=" + contact_expires}});
    return 200;
  }

  FakeTimerService clock;
  ManualClock wall;
  RecordingSink sink{clock};
  Logger logger{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids{7};
  std::unique_ptr<UserAgent> ua;
  std::unique_ptr<DigestAuthenticator> auth;
  std::vector<std::string> states;
};

TEST_F(RegistrationTest, ChallengedThenRegisteredThenRefreshedAtHalfTheGrantedTime) {
  auto reg = make();
  reg->start();
  Message first = sent_register();
  EXPECT_EQ(first.request_uri, "sip:registrar.test");
  EXPECT_EQ(*first.header("To"), "<sip:4420@registrar.test>");
  EXPECT_EQ(*first.header("Expires"), "600");
  EXPECT_EQ(*first.header("Contact"), "<sip:4420@192.0.2.9:5060>");
  EXPECT_FALSE(first.header("Authorization"));
  ASSERT_EQ(registrar_checks(first, "120"), 401);

  Message second = sent_register();
  ASSERT_TRUE(second.header("Authorization"));
  EXPECT_EQ(*second.header("Call-ID"), *first.header("Call-ID"));
  EXPECT_EQ(*second.header("CSeq"), "2 REGISTER");
  ASSERT_EQ(registrar_checks(second, "120"), 200);
  EXPECT_EQ(reg->state(), RegistrationState::kRegistered);
  EXPECT_EQ(reg->granted_s(), 120);  // our binding's expires, not the other contact's

  // Nothing before half of 120 s; the refresh at 60 s keeps the Call-ID.
  clock.advance(ms(59000));
  EXPECT_TRUE(sink.take().empty());
  clock.advance(ms(1000));
  Message refresh = sent_register();
  EXPECT_EQ(*refresh.header("Call-ID"), *first.header("Call-ID"));
  EXPECT_EQ(*refresh.header("CSeq"), "3 REGISTER");
  ASSERT_EQ(registrar_checks(refresh, "120"), 401);
  ASSERT_EQ(registrar_checks(sent_register(), "120"), 200);
  EXPECT_EQ(states, (std::vector<std::string>{"registering", "registered", "registered"}));
}

TEST_F(RegistrationTest, IntervalTooBriefAsksAgainForMinExpires) {
  auto reg = make();
  reg->start();
  registrar_answers(sent_register(), 423, {{"Min-Expires", "1800"}});
  Message again = sent_register();
  EXPECT_EQ(*again.header("Expires"), "1800");
  registrar_answers(again, 200, {{"Expires", "1800"}});
  EXPECT_EQ(reg->granted_s(), 1800);
}

TEST_F(RegistrationTest, FailuresBackOffDoublingAndHonourRetryAfter) {
  auto reg = make();
  reg->start();
  registrar_answers(sent_register(), 500);
  EXPECT_EQ(reg->state(), RegistrationState::kFailed);
  clock.advance(ms(29999));
  EXPECT_TRUE(sink.take().empty());
  clock.advance(ms(1));
  registrar_answers(sent_register(), 500);  // second failure: 60 s
  clock.advance(ms(59999));
  EXPECT_TRUE(sink.take().empty());
  clock.advance(ms(1));
  // A registrar asking for longer than the backoff is obeyed.
  registrar_answers(sent_register(), 503, {{"Retry-After", "300"}});
  clock.advance(ms(299999));
  EXPECT_TRUE(sink.take().empty());
  clock.advance(ms(1));
  registrar_answers(sent_register(), 200, {{"Expires", "600"}});
  EXPECT_EQ(reg->state(), RegistrationState::kRegistered);
}

TEST_F(RegistrationTest, SilenceIsAFailureAfterTimerF) {
  auto reg = make();
  reg->start();
  sink.take();
  clock.advance(ms(32000));  // 64*T1: the transaction layer's 408
  sink.take();               // the retransmissions
  EXPECT_EQ(reg->state(), RegistrationState::kFailed);
}

TEST_F(RegistrationTest, WrongCredentialsAreAnsweredOnceThenFail) {
  auto reg = make("wrong");
  reg->start();
  ASSERT_EQ(registrar_checks(sent_register(), "600"), 401);
  ASSERT_EQ(registrar_checks(sent_register(), "600"), 401);
  EXPECT_TRUE(sink.take().empty());  // no third try now: the backoff timer runs
  EXPECT_EQ(reg->state(), RegistrationState::kFailed);
}

TEST_F(RegistrationTest, StopRemovesTheBindingWithExpiresZero) {
  auto reg = make();
  reg->start();
  registrar_answers(sent_register(), 200, {{"Expires", "600"}});
  bool done = false;
  reg->stop([&] { done = true; });
  Message bye = sent_register();
  EXPECT_EQ(*bye.header("Expires"), "0");
  EXPECT_FALSE(done);
  ASSERT_EQ(registrar_checks(bye, "0"), 401);  // challenged un-REGISTERs are answered too
  registrar_answers(sent_register(), 200);
  EXPECT_TRUE(done);
  EXPECT_EQ(reg->state(), RegistrationState::kUnregistered);
  clock.advance(ms(600000));
  EXPECT_TRUE(sink.take().empty());  // no refresh after stop
}

TEST_F(RegistrationTest, StopBeforeAnyBindingIsImmediate) {
  auto reg = make();
  bool done = false;
  reg->stop([&] { done = true; });
  EXPECT_TRUE(done);
  EXPECT_TRUE(sink.take().empty());
}

}  // namespace
}  // namespace keyline::sip::testing
