// SIP-over-TLS calls-per-second load generator (TLS issue: CPS with connections reused and with
// a handshake per call). Debian's SIPp is built without TLS, so this plays bench/cps/uac_cps.xml
// itself over Keyline's own TLS streams: INVITE (a PCMU offer) / 100 / 200 / ACK, then the
// server's BYE / our 200. No media is sent; the offer's RTP port is a dummy.
//
//   --reuse               a few persistent connections (--connections, default 4); calls are
//                         spread over them round-robin
//   --handshake-per-call  a new connection (full handshake: no session resumption) per call,
//                         closed after our 200 to the BYE
//
// New calls are paced at --rate for --seconds, at most --max-in-flight at once (beyond it a due
// call is skipped and counted, as the server is not keeping up). A call fails on a non-2xx
// answer, on no answer or no BYE within --timeout, or when its connection drops or its
// handshake fails. Setup time runs from the call's start (connect + INVITE, so in
// handshake-per-call mode it includes the handshake) to its 200. bench/tls_cps.sh runs the
// whole thing against a release build.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "io/endpoint.h"
#include "io/event_loop.h"
#include "io/tls.h"
#include "sip/message.h"

namespace {

using namespace keyline;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "127.0.0.1:5061";
  std::string ca_file;
  bool reuse = true;
  int connections = 4;  // --reuse only
  int rate = 100;       // new calls per second
  int seconds = 30;
  int max_in_flight = 0;  // 0: four seconds' worth of calls, as bench/cps.sh gives SIPp
  int timeout_s = 10;
};

struct Counts {
  std::uint64_t attempted = 0;
  std::uint64_t skipped = 0;  // due while max-in-flight calls were already up
  std::uint64_t answered = 0;
  std::uint64_t completed = 0;  // BYE received and answered
  std::uint64_t failed_status = 0;
  std::uint64_t failed_timeout = 0;
  std::uint64_t failed_connection = 0;
  std::uint64_t failed() const { return failed_status + failed_timeout + failed_connection; }
};

// One TLS connection and the calls it carries (failed together if it drops).
struct Link {
  std::shared_ptr<io::TlsConnection> stream;
  std::unordered_set<std::string> calls;
  bool per_call = false;  // closed by us once its one call is over
};

struct Call {
  std::uint64_t link = 0;
  Clock::time_point started;
  io::TimerId timeout = 0;
  bool answered = false;
};

class Generator {
 public:
  Generator(io::EventLoop& loop, Options options, io::Endpoint target,
            std::shared_ptr<io::TlsContext> tls)
      : loop_(loop), options_(std::move(options)), target_(target), tls_(std::move(tls)) {
    if (options_.max_in_flight <= 0) options_.max_in_flight = std::max(100, options_.rate * 4);
  }

  void run() {
    begin_ = Clock::now();
    pacer_ = loop_.add_periodic(Millis(1), [this] { pace(); });
    loop_.run();
  }

  void report() const;

 private:
  void pace();
  void start_call();
  std::uint64_t open_link(bool per_call);
  std::uint64_t reuse_link();
  void on_bytes(io::Stream& stream, std::string& buffer);
  void on_message(io::Stream& stream, const sip::Message& message);
  void on_link_closed(std::uint64_t link_id);
  // Ends a call: counted once, removed from its link (closed when it was the call's own).
  void finish(const std::string& call_id, std::uint64_t* counter);
  void maybe_stop();

  std::string invite(const std::string& call_id, const io::Stream& stream) const;

  io::EventLoop& loop_;
  Options options_;
  io::Endpoint target_;
  std::shared_ptr<io::TlsContext> tls_;
  Clock::time_point begin_;
  Clock::time_point last_end_;
  io::TimerId pacer_ = 0;
  bool placing_ = true;
  std::uint64_t next_link_ = 1;
  std::uint64_t next_call_ = 1;
  std::vector<std::uint64_t> reused_;  // --reuse: the persistent links, by slot
  std::unordered_map<std::uint64_t, Link> links_;
  std::unordered_map<std::string, Call> calls_;
  std::vector<double> setup_ms_;
  Counts counts_;
};

void Generator::pace() {
  const double elapsed = std::chrono::duration<double>(Clock::now() - begin_).count();
  if (elapsed >= options_.seconds) {
    placing_ = false;
    loop_.cancel_timer(pacer_);
    maybe_stop();
    return;
  }
  // Calls due by now at the nominal rate (the first at once, rate x seconds in all); late
  // ticks catch up rather than drift.
  const auto due = static_cast<std::uint64_t>(elapsed * options_.rate) + 1;
  while (counts_.attempted + counts_.skipped < due) {
    if (calls_.size() >= static_cast<std::size_t>(options_.max_in_flight)) {
      ++counts_.skipped;
      continue;
    }
    start_call();
  }
}

std::uint64_t Generator::open_link(bool per_call) {
  auto stream = io::TlsConnection::connect(loop_, target_, tls_, target_.host());
  if (!stream) return 0;
  const std::uint64_t id = next_link_++;
  Link& link = links_[id];
  link.stream = *stream;
  link.per_call = per_call;
  link.stream->set_handlers([this](io::Stream& s, std::string& buffer) { on_bytes(s, buffer); },
                            [this, id](io::Stream&) { on_link_closed(id); });
  return id;
}

std::uint64_t Generator::reuse_link() {
  if (reused_.empty()) reused_.assign(static_cast<std::size_t>(options_.connections), 0);
  std::uint64_t& slot = reused_[counts_.attempted % reused_.size()];
  // A dropped connection is replaced (its calls have failed already).
  auto link = links_.find(slot);
  if (link == links_.end() || !link->second.stream->open()) slot = open_link(false);
  return slot;
}

void Generator::start_call() {
  ++counts_.attempted;
  const std::uint64_t link_id = options_.reuse ? reuse_link() : open_link(true);
  if (link_id == 0) {
    ++counts_.failed_connection;
    return;
  }
  Link& link = links_.at(link_id);
  std::string call_id = "tlscps-" + std::to_string(next_call_++);
  Call& call = calls_[call_id];
  call.link = link_id;
  call.started = Clock::now();
  call.timeout = loop_.add_timer(Millis(options_.timeout_s * 1000), [this, call_id] {
    if (auto it = calls_.find(call_id); it != calls_.end()) it->second.timeout = 0;
    finish(call_id, &counts_.failed_timeout);
  });
  link.calls.insert(call_id);
  // Held by the TLS stream until its handshake is done.
  if (!link.stream->send(invite(call_id, *link.stream)))
    finish(call_id, &counts_.failed_connection);
}

std::string Generator::invite(const std::string& call_id, const io::Stream& stream) const {
  const std::string local = stream.local().to_string();
  const std::string ip = stream.local().host();
  const std::string uri = "sip:cps@" + target_.to_string() + ";transport=tls";
  const std::string sdp = "v=0\r\no=tlscps 1 1 IN IP4 " + ip + "\r\ns=-\r\nc=IN IP4 " + ip +
                          "\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
  return "INVITE " + uri + " SIP/2.0\r\nVia: SIP/2.0/TLS " + local + ";branch=z9hG4bK-" + call_id +
         "\r\nFrom: <sip:tlscps@" + local + ">;tag=" + call_id + "\r\nTo: <" + uri +
         ">\r\nCall-ID: " + call_id + "\r\nCSeq: 1 INVITE\r\nContact: <sip:tlscps@" + local +
         ";transport=tls>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\n" +
         "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
}

void Generator::on_bytes(io::Stream& stream, std::string& buffer) {
  while (!buffer.empty() && stream.open()) {
    auto framed = sip::frame_stream(buffer);
    if (std::holds_alternative<std::monostate>(framed)) return;  // need more bytes
    if (std::holds_alternative<sip::ParseError>(framed)) {
      buffer.clear();
      stream.close();  // lost framing: its calls fail as a connection failure
      return;
    }
    const auto frame = std::get<sip::Frame>(framed);
    std::string bytes = buffer.substr(frame.skip, frame.length);
    buffer.erase(0, frame.skip + frame.length);
    if (frame.length == 0) continue;  // keep-alive CRLFs
    auto parsed = sip::parse_message(bytes);
    if (auto* message = std::get_if<sip::Message>(&parsed)) on_message(stream, *message);
  }
}

void Generator::on_message(io::Stream& stream, const sip::Message& message) {
  const std::string call_id(message.header("Call-ID").value_or(""));
  auto it = calls_.find(call_id);
  if (message.is_request()) {
    if (message.method == "ACK") return;
    // BYE ends the call; anything else (none expected) is simply acknowledged.
    stream.send(sip::make_response(message, 200).serialize());
    if (message.method == "BYE" && it != calls_.end() && it->second.answered)
      finish(call_id, &counts_.completed);
    return;
  }
  const std::string_view cseq = message.header("CSeq").value_or("");
  if (it == calls_.end() || cseq.find("INVITE") == std::string_view::npos) return;
  Call& call = it->second;
  if (message.status < 200 || call.answered) return;  // 1xx, or a repeated final answer
  // The ACK: for a 2xx a new transaction (its own branch), for an error the INVITE's.
  const bool ok = message.status < 300;
  const std::string local = stream.local().to_string();
  const std::string branch = ok ? "z9hG4bK-ack-" + call_id : "z9hG4bK-" + call_id;
  const std::string uri = "sip:cps@" + target_.to_string() + ";transport=tls";
  stream.send("ACK " + uri + " SIP/2.0\r\nVia: SIP/2.0/TLS " + local + ";branch=" + branch +
              "\r\nFrom: <sip:tlscps@" + local + ">;tag=" + call_id + "\r\nTo: " +
              std::string(message.header("To").value_or("")) + "\r\nCall-ID: " + call_id +
              "\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n");
  if (!ok) return finish(call_id, &counts_.failed_status);
  call.answered = true;
  ++counts_.answered;
  setup_ms_.push_back(
      std::chrono::duration<double, std::milli>(Clock::now() - call.started).count());
}

void Generator::finish(const std::string& call_id, std::uint64_t* counter) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  ++*counter;
  last_end_ = Clock::now();
  if (it->second.timeout) loop_.cancel_timer(it->second.timeout);
  const std::uint64_t link_id = it->second.link;
  calls_.erase(it);
  if (auto link = links_.find(link_id); link != links_.end()) {
    link->second.calls.erase(call_id);
    // Our 200 to the BYE was written before this; the close handler forgets the link.
    if (link->second.per_call) link->second.stream->close();
  }
  maybe_stop();
}

void Generator::on_link_closed(std::uint64_t link_id) {
  auto link = links_.find(link_id);
  if (link == links_.end()) return;
  const auto calls = link->second.calls;  // finish() edits the set
  for (const auto& call_id : calls) finish(call_id, &counts_.failed_connection);
  // Not erased here: this runs inside the stream's own close.
  loop_.post([this, link_id] { links_.erase(link_id); });
}

void Generator::maybe_stop() {
  if (!placing_ && calls_.empty()) loop_.stop();
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  const auto k = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
  return values[k];
}

void Generator::report() const {
  const double span = std::chrono::duration<double>(last_end_ - begin_).count();
  double mean = 0;
  for (double v : setup_ms_) mean += v;
  if (!setup_ms_.empty()) mean /= static_cast<double>(setup_ms_.size());
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  const std::string mode = options_.reuse
                               ? "reuse (" + std::to_string(options_.connections) + " connections)"
                               : "handshake-per-call";
  std::printf("mode: %s, target %d CPS for %d s, at most %d in flight\n", mode.c_str(),
              options_.rate, options_.seconds, options_.max_in_flight);
  std::printf("calls attempted: %llu (skipped at the in-flight limit: %llu)\n",
              static_cast<unsigned long long>(counts_.attempted),
              static_cast<unsigned long long>(counts_.skipped));
  std::printf("calls completed: %llu (answered %llu)\n",
              static_cast<unsigned long long>(counts_.completed),
              static_cast<unsigned long long>(counts_.answered));
  std::printf("calls failed: %llu (non-2xx %llu, timeout %llu, connection %llu)\n",
              static_cast<unsigned long long>(counts_.failed()),
              static_cast<unsigned long long>(counts_.failed_status),
              static_cast<unsigned long long>(counts_.failed_timeout),
              static_cast<unsigned long long>(counts_.failed_connection));
  std::printf("achieved CPS: %.1f (completed calls / first start to last end, %.1f s)\n",
              span > 0 ? static_cast<double>(counts_.completed) / span : 0.0, span);
  std::printf("setup time (start to 200): mean %.2f ms, p99 %.2f ms, max %.2f ms\n", mean,
              percentile(setup_ms_, 0.99), percentile(setup_ms_, 1.0));
  std::printf("generator CPU: %.1f s\n", cpu);
}

int usage() {
  std::fprintf(stderr,
               "usage: tls_cps (--reuse | --handshake-per-call) [--target HOST:PORT] "
               "[--rate CPS] [--seconds N] [--ca FILE] [--connections N] "
               "[--max-in-flight N] [--timeout SECONDS]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  bool mode_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--reuse" || arg == "--handshake-per-call") {
      options.reuse = arg == "--reuse";
      mode_given = true;
    } else if (arg == "--target") {
      options.target = next();
    } else if (arg == "--rate") {
      options.rate = std::atoi(next().c_str());
    } else if (arg == "--seconds") {
      options.seconds = std::atoi(next().c_str());
    } else if (arg == "--ca") {
      options.ca_file = next();
    } else if (arg == "--connections") {
      options.connections = std::atoi(next().c_str());
    } else if (arg == "--max-in-flight") {
      options.max_in_flight = std::atoi(next().c_str());
    } else if (arg == "--timeout") {
      options.timeout_s = std::atoi(next().c_str());
    } else {
      return usage();
    }
  }
  const auto colon = options.target.rfind(':');
  if (!mode_given || colon == std::string::npos || options.rate <= 0 || options.seconds <= 0 ||
      options.connections <= 0 || options.timeout_s <= 0)
    return usage();
  auto target = io::Endpoint::parse(
      options.target.substr(0, colon),
      static_cast<std::uint16_t>(std::atoi(options.target.c_str() + colon + 1)));
  if (!target) {
    std::fprintf(stderr, "tls_cps: bad target %s\n", options.target.c_str());
    return 2;
  }
  io::TlsClientSettings settings;
  settings.ca_file = options.ca_file;
  auto tls = io::TlsContext::client(settings);
  if (!tls) {
    std::fprintf(stderr, "tls_cps: %s\n", tls.error().message.c_str());
    return 1;
  }
  auto loop = io::EventLoop::create();
  if (!loop) {
    std::fprintf(stderr, "tls_cps: %s\n", loop.error().message.c_str());
    return 1;
  }
  Generator generator(**loop, options, *target, *tls);
  generator.run();
  generator.report();
  return 0;
}
