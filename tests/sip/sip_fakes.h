// Test doubles for the SIP engines: a timer service whose clock only moves
// when the test says so, a sink that records every send with its time, and
// helpers to build messages from text.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "sip/message.h"
#include "sip/peer.h"
#include "sip/timer_service.h"

namespace keyline::sip::testing {

class FakeTimerService final : public TimerService {
 public:
  TimerHandle schedule(Millis delay, std::function<void()> callback) override {
    TimerHandle h = next_++;
    queue_.emplace(std::make_pair(now_ + delay, h), std::move(callback));
    due_[h] = now_ + delay;
    return h;
  }
  void cancel(TimerHandle handle) override {
    auto it = due_.find(handle);
    if (it == due_.end()) return;
    queue_.erase(std::make_pair(it->second, handle));
    due_.erase(it);
  }
  // Fires everything due within `d`, in time order (timers armed while
  // firing included), and leaves the clock at now + d.
  void advance(Millis d) {
    Millis target = now_ + d;
    while (!queue_.empty() && queue_.begin()->first.first <= target) {
      auto node = queue_.extract(queue_.begin());
      now_ = node.key().first;
      due_.erase(node.key().second);
      node.mapped()();
    }
    now_ = target;
  }
  void advance_to(Millis t) { advance(t - now_); }
  Millis now() const { return now_; }
  std::size_t pending() const { return queue_.size(); }

 private:
  Millis now_{0};
  TimerHandle next_ = 1;
  std::map<std::pair<Millis, TimerHandle>, std::function<void()>> queue_;
  std::map<TimerHandle, Millis> due_;
};

class RecordingSink final : public TransportSink {
 public:
  struct Sent {
    std::string bytes;
    Peer to;
    Millis at;
  };
  explicit RecordingSink(const FakeTimerService& clock) : clock_(clock) {}
  bool send_raw(const std::string& bytes, const Peer& to) override {
    sent.push_back({bytes, to, clock_.now()});
    return !fail;
  }
  // The sends so far as parsed messages, and forgets them.
  std::vector<Message> take() {
    std::vector<Message> out;
    for (auto& s : sent) {
      auto parsed = parse_message(s.bytes);
      EXPECT_TRUE(std::holds_alternative<Message>(parsed)) << s.bytes;
      if (auto* m = std::get_if<Message>(&parsed)) out.push_back(std::move(*m));
    }
    sent.clear();
    return out;
  }
  std::vector<Millis> times() const {
    std::vector<Millis> t;
    for (auto& s : sent) t.push_back(s.at);
    return t;
  }

  std::vector<Sent> sent;
  bool fail = false;

 private:
  const FakeTimerService& clock_;
};

inline Message parse_or_die(const std::string& text) {
  auto parsed = parse_message(text);
  if (auto* e = std::get_if<ParseError>(&parsed)) {
    ADD_FAILURE() << "unparsable test message: " << e->reason << "\n" << text;
    return Message{};
  }
  return std::get<Message>(std::move(parsed));
}

// A request as a peer would send it. `to_tag` empty = out of dialog.
inline Message make_request(const std::string& method, const std::string& branch,
                            std::uint32_t cseq = 1, const std::string& to_tag = "",
                            const std::string& call_id = "call-1@test",
                            const std::string& sent_by = "192.0.2.1:5060",
                            const std::string& cseq_method = "") {
  std::string text = method + " sip:100@192.0.2.9 SIP/2.0\r\n";
  text += "Via: SIP/2.0/UDP " + sent_by + ";branch=" + branch + "\r\n";
  text += "Max-Forwards: 70\r\n";
  text += "From: <sip:alice@192.0.2.1>;tag=alice1\r\n";
  text += "To: <sip:100@192.0.2.9>" + (to_tag.empty() ? "" : ";tag=" + to_tag) + "\r\n";
  text += "Call-ID: " + call_id + "\r\n";
  text +=
      "CSeq: " + std::to_string(cseq) + " " + (cseq_method.empty() ? method : cseq_method) + "\r\n";
  text += "Contact: <sip:alice@192.0.2.1:5060>\r\n";
  text += "Content-Length: 0\r\n\r\n";
  return parse_or_die(text);
}

inline Peer udp_peer() {
  return Peer{TransportKind::kUdp, *io::Endpoint::parse("192.0.2.1", 5060), {}};
}
inline Peer tcp_peer() {
  return Peer{TransportKind::kTcp, *io::Endpoint::parse("192.0.2.1", 5060), {}};
}

inline std::vector<std::string> start_lines(const std::vector<Message>& ms) {
  std::vector<std::string> out;
  for (auto& m : ms)
    out.push_back(m.is_request() ? m.method
                                 : std::to_string(m.status) + " " +
                                       std::string(m.header("CSeq").value_or("")));
  return out;
}

}  // namespace keyline::sip::testing
