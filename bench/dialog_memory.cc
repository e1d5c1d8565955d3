// Memory per established SIP dialog, without media (SIP core issue target: <= 8 KiB). A plain
// program, not a Google Benchmark: the figure is bytes, not time.
//
// Method: like flow_memory.cc, this binary replaces the global operator new/delete with
// counting versions that add and subtract malloc_usable_size(), so "live bytes" is what the
// allocator really hands out. A UserAgent with injected time and a sink that keeps nothing
// takes N calls: INVITE with a typical SDP offer → 100 → 200 with an SDP answer → ACK. Live
// bytes are read before the first call, right after the last ACK (the INVITE server
// transactions still absorb retransmissions then, RFC 6026's 64*T1), and once the clock has
// moved past 64*T1 so only the dialogs remain. The counters are globals on purpose: they
// exist only in this measuring binary.
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/log.h"
#include "counting_new.h"
#include "sip/message.h"
#include "sip/user_agent.h"

namespace {

using namespace keyline;
using namespace keyline::sip;

// Time moves only when advance() says so.
class ManualTimers final : public TimerService {
 public:
  TimerHandle schedule(Millis delay, std::function<void()> callback) override {
    TimerHandle h = next_++;
    due_.emplace(std::make_pair(now_ + delay, h), std::move(callback));
    when_[h] = now_ + delay;
    return h;
  }
  void cancel(TimerHandle handle) override {
    auto it = when_.find(handle);
    if (it == when_.end()) return;
    due_.erase(std::make_pair(it->second, handle));
    when_.erase(it);
  }
  void advance(Millis d) {
    Millis target = now_ + d;
    while (!due_.empty() && due_.begin()->first.first <= target) {
      auto node = due_.extract(due_.begin());
      now_ = node.key().first;
      when_.erase(node.key().second);
      node.mapped()();
    }
    now_ = target;
  }

 private:
  Millis now_{0};
  TimerHandle next_ = 1;
  std::map<std::pair<Millis, TimerHandle>, std::function<void()>> due_;
  std::map<TimerHandle, Millis> when_;
};

// Keeps only the To header of the last final response (the ACK needs its tag).
class LastResponseSink final : public TransportSink {
 public:
  bool send_raw(const std::string& bytes, const Peer&) override {
    if (bytes.rfind("SIP/2.0 200", 0) != 0) return true;
    auto parsed = parse_message(bytes);
    if (auto* m = std::get_if<Message>(&parsed)) to = std::string(m->header("To").value_or(""));
    return true;
  }
  std::string to;
};

const char* kOffer =
    "v=0\r\no=alice 2890844526 2890844526 IN IP4 198.51.100.7\r\ns=-\r\n"
    "c=IN IP4 198.51.100.7\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0 8 101\r\n"
    "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\na=ptime:20\r\n";

const char* kAnswer =
    "v=0\r\no=keyline 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
    "m=audio 20000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n";

std::string invite(int n) {
  std::string body = kOffer;
  return "INVITE sip:100@192.0.2.10:5060 SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKinv" +
         std::to_string(n) +
         ";rport\r\n"
         "Max-Forwards: 70\r\nTo: <sip:100@192.0.2.10>\r\n"
         "From: \"Alice\" <sip:alice@198.51.100.7>;tag=from" +
         std::to_string(n) + "\r\nCall-ID: call-" + std::to_string(n) +
         "@198.51.100.7\r\nCSeq: 1 INVITE\r\n"
         "Contact: <sip:alice@198.51.100.7:5060>\r\n"
         "Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY\r\n"
         "Content-Type: application/sdp\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + body;
}

std::string ack(int n, const std::string& to) {
  return "ACK sip:keyline@192.0.2.10:5060 SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 198.51.100.7:5060;branch=z9hG4bKack" +
         std::to_string(n) + "\r\nMax-Forwards: 70\r\nTo: " + to +
         "\r\nFrom: \"Alice\" <sip:alice@198.51.100.7>;tag=from" + std::to_string(n) +
         "\r\nCall-ID: call-" + std::to_string(n) +
         "@198.51.100.7\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n";
}

Message parsed(const std::string& bytes) {
  auto result = parse_message(bytes);
  if (auto* m = std::get_if<Message>(&result)) return std::move(*m);
  std::fprintf(stderr, "bad scripted message\n%s\n", bytes.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const int calls = argc > 1 ? std::atoi(argv[1]) : 10000;
  if (calls <= 0) {
    std::fprintf(stderr, "usage: dialog_memory [calls=10000]\n");
    return 2;
  }
  ManualTimers timers;
  LastResponseSink sink;
  Logger logger(LogLevel::kError, [](std::string_view s) { return std::string(s); });
  IdGenerator ids(42);
  auto from = io::Endpoint::parse("198.51.100.7", 5060);
  if (!from) return 1;
  Peer peer{TransportKind::kUdp, *from, {}};

  std::vector<CallHandle> incoming;
  std::size_t confirmed = 0;
  UserAgent::Handlers handlers;
  handlers.on_incoming = [&](CallHandle h, const Message&, const Peer&) { incoming.push_back(h); };
  handlers.on_confirmed = [&](CallHandle) { ++confirmed; };
  UserAgent ua(timers, sink, LocalAddress{"192.0.2.10", 5060, 0}, UaConfig{}, handlers, logger,
               ids);

  // The scripted messages are built before counting starts, and each is freed after use.
  long long before = keyline_bench::g_live_bytes.load();
  for (int n = 0; n < calls; ++n) {
    ua.on_message(parsed(invite(n)), peer);
    timers.advance(Millis{0});
    for (CallHandle h : incoming) ua.answer(h, kAnswer);
    incoming.clear();
    ua.on_message(parsed(ack(n, sink.to)), peer);
    timers.advance(Millis{0});
  }
  long long after_ack = keyline_bench::g_live_bytes.load();
  std::size_t transactions_after_ack = ua.transactions();
  timers.advance(Millis{64 * 500 + 1000});
  long long settled = keyline_bench::g_live_bytes.load();

  if (confirmed != static_cast<std::size_t>(calls) || ua.active_calls() != confirmed) {
    std::fprintf(stderr, "only %zu of %d calls were confirmed (%zu active)\n", confirmed, calls,
                 ua.active_calls());
    return 1;
  }
  std::printf("dialogs established: %d (active %zu)\n", calls, ua.active_calls());
  std::printf("right after the ACKs (%zu transactions alive): %.0f bytes per call\n",
              transactions_after_ack, static_cast<double>(after_ack - before) / calls);
  std::printf("after 64*T1 (%zu transactions alive): %.0f bytes per dialog (target <= 8192)\n",
              ua.transactions(), static_cast<double>(settled - before) / calls);
  return 0;
}
