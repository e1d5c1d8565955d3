// Host-name targets in the user agent (RFC 3263 4.3) with a scripted resolver: the INVITE goes
// to the first target found, a 503 or a timeout moves it to the next one in a new transaction,
// nothing found ends the call with 503, a hang-up during the look-up sends nothing, a REGISTER
// fails over the same way, and a redirect Contact with a host name is looked up too.
#include <gtest/gtest.h>

#include <optional>

#include "base/ids.h"
#include "base/log.h"
#include "sip/async_resolver.h"
#include "sip/user_agent.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {
namespace {

using ms = Millis;

// Keeps each look-up until the test answers it, as the real one answers later on the loop.
class ScriptedResolver final : public TargetResolver {
 public:
  void resolve(const Uri& uri, Done done) override { pending.emplace_back(uri, std::move(done)); }
  void answer(std::vector<SipTarget> targets) {
    ASSERT_FALSE(pending.empty());
    auto [uri, done] = std::move(pending.front());
    pending.erase(pending.begin());
    done(std::move(targets));
  }
  std::vector<std::pair<Uri, Done>> pending;
};

SipTarget target(TransportKind kind, const std::string& ip, std::uint16_t port) {
  return SipTarget{kind, *io::Endpoint::parse(ip, port)};
}

class TargetsTest : public ::testing::Test {
 protected:
  TargetsTest() {
    UserAgent::Handlers h;
    h.on_answered = [this](CallHandle, const Message&) { ++answered; };
    h.on_ended = [this](CallHandle, EndReason r, int status) {
      ended.push_back(r);
      ended_status = status;
    };
    UaConfig config;
    config.t1 = ms(10);
    config.t2 = ms(40);
    config.t4 = ms(50);
    ua = std::make_unique<UserAgent>(clock, sink, LocalAddress{"192.0.2.9", 5060}, config,
                                     std::move(h), logger, ids);
    ua->set_resolver(&resolver);
  }
  // The requests sent since the last call with their destinations; responses are dropped.
  std::vector<std::pair<Message, Peer>> requests() {
    std::vector<std::pair<Message, Peer>> out;
    for (auto& s : sink.sent) {
      Message m = parse_or_die(s.bytes);
      if (m.is_request()) out.emplace_back(m, s.to);
    }
    sink.sent.clear();
    return out;
  }
  void reply(const Message& request, int status) {
    Message r = make_response(request, status, {}, "far1");
    r.add_header("Contact", "<sip:far@192.0.2.30>");
    ua->on_message(parse_or_die(r.serialize()), udp_peer());
  }

  FakeTimerService clock;
  RecordingSink sink{clock};
  Logger logger{LogLevel::kError, [](std::string_view s) { return std::string(s); }};
  IdGenerator ids{17};
  ScriptedResolver resolver;
  std::unique_ptr<UserAgent> ua;
  int answered = 0;
  std::vector<EndReason> ended;
  int ended_status = -1;
};

TEST_F(TargetsTest, InviteGoesToTheFirstTargetAndFailsOverOn503AndTimeout) {
  auto handle = ua->invite("sip:agent@pbx.example.com", "sip:keyline@192.0.2.9", Peer{}, "v=0\r\n");
  ASSERT_TRUE(handle);
  EXPECT_TRUE(sink.sent.empty());  // nothing until the look-up answers
  ASSERT_EQ(resolver.pending.size(), 1u);
  EXPECT_EQ(resolver.pending[0].first.host, "pbx.example.com");
  resolver.answer({target(TransportKind::kUdp, "192.0.2.20", 5060),
                   target(TransportKind::kUdp, "192.0.2.21", 5062),
                   target(TransportKind::kTcp, "192.0.2.22", 5070)});
  auto sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first.request_uri, "sip:agent@pbx.example.com");
  EXPECT_EQ(sent[0].second.endpoint.to_string(), "192.0.2.20:5060");
  reply(sent[0].first, 503);
  sent = requests();  // the 503's ACK, then the INVITE to the next target
  ASSERT_EQ(sent.back().first.method, "INVITE");
  EXPECT_EQ(sent.back().second.endpoint.to_string(), "192.0.2.21:5062");
  EXPECT_EQ(sent.back().first.header("Call-ID"), sent[0].first.header("Call-ID"));
  // That one never answers: Timer B, then the third target, over TCP.
  clock.advance(ms(640));
  sent = requests();
  ASSERT_FALSE(sent.empty());
  auto& last = sent.back();
  EXPECT_EQ(last.first.method, "INVITE");
  EXPECT_EQ(last.second.endpoint.to_string(), "192.0.2.22:5070");
  EXPECT_EQ(last.second.kind, TransportKind::kTcp);
  EXPECT_NE(last.first.header("Via")->find("SIP/2.0/TCP"), std::string_view::npos);
  reply(last.first, 200);
  EXPECT_EQ(answered, 1);
  EXPECT_TRUE(ended.empty());
}

TEST_F(TargetsTest, BusyIsNotAReasonToFailOver) {
  auto handle = ua->invite("sip:agent@pbx.example.com", "sip:keyline@192.0.2.9", Peer{}, "v=0\r\n");
  ASSERT_TRUE(handle);
  resolver.answer({target(TransportKind::kUdp, "192.0.2.20", 5060),
                   target(TransportKind::kUdp, "192.0.2.21", 5060)});
  reply(requests().at(0).first, 486);
  clock.advance(ms(0));
  for (auto& [m, to] : requests()) EXPECT_NE(m.method, "INVITE");
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kFailed}));
  EXPECT_EQ(ended_status, 486);
}

TEST_F(TargetsTest, NothingResolvedEndsTheCallWith503) {
  auto handle = ua->invite("sip:agent@nowhere.test", "sip:keyline@192.0.2.9", Peer{}, "v=0\r\n");
  ASSERT_TRUE(handle);
  resolver.answer({});
  clock.advance(ms(0));
  EXPECT_TRUE(sink.sent.empty());
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kFailed}));
  EXPECT_EQ(ended_status, 503);
  EXPECT_EQ(ua->active_calls(), 0u);
}

TEST_F(TargetsTest, HangupDuringTheLookupSendsNothing) {
  auto handle = ua->invite("sip:agent@pbx.example.com", "sip:keyline@192.0.2.9", Peer{}, "v=0\r\n");
  ASSERT_TRUE(handle);
  ua->hangup(*handle);
  clock.advance(ms(0));
  resolver.answer({target(TransportKind::kUdp, "192.0.2.20", 5060)});
  EXPECT_TRUE(sink.sent.empty());
  EXPECT_EQ(ended, (std::vector<EndReason>{EndReason::kCancelled}));
}

TEST_F(TargetsTest, TcpIsAskedForWhenThePeerSaysSo) {
  Peer tcp;
  tcp.kind = TransportKind::kTcp;
  auto handle = ua->invite("sip:agent@pbx.example.com", "sip:keyline@192.0.2.9", tcp, "v=0\r\n");
  ASSERT_TRUE(handle);
  ASSERT_EQ(resolver.pending.size(), 1u);
  EXPECT_EQ(resolver.pending[0].first.param("transport"), "tcp");
}

TEST_F(TargetsTest, RequestsFailOverTooAndTheOwnerSeesOneFinalResponse) {
  Message reg;
  reg.request = true;
  reg.method = "REGISTER";
  reg.request_uri = "sip:registrar.example.com";
  reg.add_header("From", "<sip:4420@example.com>;tag=r1");
  reg.add_header("To", "<sip:4420@example.com>");
  reg.add_header("Call-ID", "reg-1@test");
  reg.add_header("CSeq", "1 REGISTER");
  std::vector<int> finals;
  auto tx = ua->send_request(reg, Peer{}, [&](const Message& r) { finals.push_back(r.status); });
  ASSERT_TRUE(tx);
  resolver.answer({target(TransportKind::kUdp, "192.0.2.40", 5060),
                   target(TransportKind::kUdp, "192.0.2.41", 5060)});
  auto sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].second.endpoint.to_string(), "192.0.2.40:5060");
  reply(sent[0].first, 503);
  sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].second.endpoint.to_string(), "192.0.2.41:5060");
  EXPECT_NE(sent[0].first.header("Via"), std::nullopt);
  EXPECT_TRUE(finals.empty());
  reply(sent[0].first, 200);
  EXPECT_EQ(finals, (std::vector<int>{200}));
  // Nothing resolved: one made-up 503.
  finals.clear();
  ASSERT_TRUE(ua->send_request(reg, Peer{}, [&](const Message& r) { finals.push_back(r.status); }));
  resolver.answer({});
  EXPECT_EQ(finals, (std::vector<int>{503}));
}

TEST_F(TargetsTest, ARedirectToAHostNameIsLookedUp) {
  auto handle =
      ua->invite("sip:100@192.0.2.1:5060", "sip:keyline@192.0.2.9", udp_peer(), "v=0\r\n");
  ASSERT_TRUE(handle);
  Message first = requests().at(0).first;
  Message moved = make_response(first, 302, {}, "r1");
  moved.add_header("Contact", "<sip:agent@elsewhere.example.com>");
  ua->on_message(parse_or_die(moved.serialize()), udp_peer());
  ASSERT_EQ(resolver.pending.size(), 1u);
  EXPECT_EQ(resolver.pending[0].first.host, "elsewhere.example.com");
  requests();  // the 302's ACK
  resolver.answer({target(TransportKind::kUdp, "192.0.2.50", 5060)});
  auto sent = requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first.request_uri, "sip:agent@elsewhere.example.com");
  EXPECT_EQ(sent[0].second.endpoint.to_string(), "192.0.2.50:5060");
  EXPECT_EQ(sent[0].first.header("CSeq"), "2 INVITE");
}

}  // namespace
}  // namespace keyline::sip::testing
