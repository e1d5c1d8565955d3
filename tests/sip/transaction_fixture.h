// A transaction layer between a fake clock, a recording sink and a TU that
// records what it is told: the harness for "message in / messages out /
// time passes" scripts.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sip/transaction_layer.h"
#include "sip_fakes.h"

namespace keyline::sip::testing {

struct RecordingUser final : TransactionUser {
  struct Event {
    std::string kind;  // request, cancel, ack, response, stray, ack_timeout
    TransactionId id = 0;
    TransactionId invite = 0;  // cancel: the INVITE it matched
    int status = 0;
    ResponseOrigin origin = ResponseOrigin::kPeer;
    Message message;
  };
  void on_request(TransactionId id, const Message& m, const Peer&) override {
    events.push_back({"request", id, 0, 0, ResponseOrigin::kPeer, m});
    if (on_request_hook) on_request_hook(id, m);
  }
  void on_cancel(TransactionId id, TransactionId invite, const Message& m, const Peer&) override {
    events.push_back({"cancel", id, invite, 0, ResponseOrigin::kPeer, m});
  }
  void on_ack(const Message& m, const Peer&) override {
    events.push_back({"ack", 0, 0, 0, ResponseOrigin::kPeer, m});
  }
  void on_response(TransactionId id, const Message& m, ResponseOrigin origin) override {
    events.push_back({"response", id, 0, m.status, origin, m});
  }
  void on_stray_response(const Message& m, const Peer&) override {
    events.push_back({"stray", 0, 0, m.status, ResponseOrigin::kPeer, m});
  }
  void on_ack_timeout(TransactionId id) override {
    events.push_back({"ack_timeout", id, 0, 0, ResponseOrigin::kPeer, {}});
  }
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (auto& e : events) out.push_back(e.kind + (e.status ? " " + std::to_string(e.status) : ""));
    return out;
  }
  std::vector<Event> events;
  std::function<void(TransactionId, const Message&)> on_request_hook;
};

class TransactionTest : public ::testing::Test {
 protected:
  static TransactionConfig default_config() {
    TransactionConfig c;
    c.t1 = Millis(500);
    c.t2 = Millis(4000);
    c.t4 = Millis(5000);
    return c;
  }
  explicit TransactionTest(TransactionConfig config = default_config())
      : layer_(clock_, sink_, user_, config) {}

  // A request we send as a UAC: our Via, our branch.
  static Message our_request(const std::string& method, const std::string& branch,
                             std::uint32_t cseq = 1) {
    return make_request(method, branch, cseq, "", "call-1@test", "192.0.2.9:5060");
  }
  // The peer's response to `request`, as it would arrive.
  static Message response_to(const Message& request, int status,
                             const std::string& to_tag = "bob1") {
    Message r = make_response(request, status, {}, status > 100 ? to_tag : "");
    return parse_or_die(r.serialize());
  }

  FakeTimerService clock_;
  RecordingSink sink_{clock_};
  RecordingUser user_;
  TransactionLayer layer_;
};

}  // namespace keyline::sip::testing
