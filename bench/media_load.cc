// Concurrent-call media load generator (media issue: >= 2,000 G.711 calls on
// two cores). One process places N calls with Keyline's own SIP UA and media
// sessions on one event loop, sends 20 ms G.711 frames on every call, keeps
// them all up for a hold period, then hangs up and prints what it measured:
//   - calls answered / failed / ended early by the server;
//   - RTP the server sent that never arrived (RFC 3550 A.3, summed per call);
//   - its own pacing (frames sent > 5 ms after due) and CPU use;
//   - with --server-pid: the server's CPU use and RSS over the hold period.
// The server's own pacing is in its /metrics (keyline_media_call_ticks_*).
// bench/media_load.sh runs the whole thing against a release build.
#include <sys/resource.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/ids.h"
#include "media_load_shared_socket.h"

#include "base/log.h"
#include "io/event_loop.h"
#include "media/frames.h"
#include "media/media_session.h"
#include "privacy/redact.h"
#include "sdp/negotiation.h"
#include "sdp/session.h"
#include "server/media_codec.h"
#include "server/media_crypto.h"
#include "server/media_rtcp.h"
#include "sip/transport.h"
#include "sip/uri.h"
#include "sip/user_agent.h"

namespace {

using namespace keyline;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "sip:load@127.0.0.1:5070";
  int calls = 100;
  int rate = 100;        // new calls per second
  int hold_s = 20;       // seconds every call stays up once all are answered
  bool srtp = false;     // offer RTP/SAVP (AES_CM_128_HMAC_SHA1_80)
  bool silence = false;  // send silence instead of the speech-like caller audio
  bool io_uring = true;
  // Every call's RTP on one generator socket (media_load_shared_socket.h) instead of a full
  // media session per call: the generator then needs a fraction of the server's CPU.
  bool shared_socket =
      false;  // batch the calls' sends and reads (io/datagram_batch.h), as the server
  int server_pid = 0;
  std::uint16_t port_min = 40000;
  std::uint16_t port_max = 59998;
};

struct LoadCall {
  std::unique_ptr<media::MediaSession> media;
  sdp::SessionDescription offer;
  bool answered = false;
  bool ended = false;
};

// utime + stime of a process, in seconds, from /proc/PID/stat.
double process_cpu_seconds(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::strtoull(field.c_str(), nullptr, 10);
    if (i == 15) stime = std::strtoull(field.c_str(), nullptr, 10);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

long process_rss_kib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  return 0;
}

double own_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Two seconds of speech-like audio: a voiced buzz (harmonics of 120 Hz) whose
// loudness rises and falls four times a second like syllables, with pauses.
// Silence would flatter the server: its tone detector and level meter skip
// little work on zeros, but they do real work on a caller's voice.
media::SharedPrompt caller_audio() {
  constexpr int kRate = 8000;
  std::vector<std::int16_t> pcm(2 * kRate);
  for (std::size_t i = 0; i < pcm.size(); ++i) {
    const double t = static_cast<double>(i) / kRate;
    double voiced = 0;
    for (int h = 1; h <= 8; ++h) voiced += std::sin(2 * M_PI * 120.0 * h * t) / h;
    const double syllable = std::max(0.0, std::sin(2 * M_PI * 4.0 * t));
    const double pause = t > 1.6 ? 0.0 : 1.0;
    pcm[i] = static_cast<std::int16_t>(4000.0 * voiced * syllable * pause);
  }
  return std::make_shared<media::EncodedPrompt>(media::encode_prompt(media::Codec::kPcmu, pcm));
}

class LoadGenerator {
 public:
  explicit LoadGenerator(Options options) : options_(std::move(options)) {}

  int run() {
    auto target = sip::parse_uri(options_.target);
    if (!target) return fail("bad --target: " + target.error().message);
    auto remote = io::Endpoint::parse(target->host, target->port ? target->port : 5060);
    if (!remote) return fail("bad --target host: " + remote.error().message);
    auto loop = io::EventLoop::create();
    if (!loop) return fail(loop.error().message);
    loop_ = std::move(*loop);
    if (options_.io_uring) {
      if (auto batched = loop_->enable_datagram_batch(); !batched)
        std::cerr << "media_load: " << batched.error().message << "; one system call per packet\n";
    }
    auto transport = sip::Transport::create(
        *loop_, sip::TransportConfig{"127.0.0.1", 0, true, false},
        [this](sip::Message m, const sip::Peer& from) { ua_->on_message(std::move(m), from); },
        logger_);
    if (!transport) return fail(transport.error().message);
    transport_ = std::move(*transport);
    sip::UaConfig uc;
    uc.contact_user = "load";
    uc.user_agent = "Keyline-media-load/0.1";
    sip::UserAgent::Handlers h;
    h.on_answered = [this](sip::CallHandle call, const sip::Message& r) { on_answered(call, r); };
    h.on_ended = [this](sip::CallHandle call, sip::EndReason, int) { on_ended(call); };
    ua_ = std::make_unique<sip::UserAgent>(*loop_, *transport_, uc, std::move(h), logger_, ids_);
    peer_ = sip::Peer{sip::TransportKind::kUdp, *remote, {}};

    if (options_.shared_socket) {
      if (options_.srtp) return fail("--shared-socket sends plain RTP: drop --srtp");
      auto shared = bench::SharedSocketMedia::open(*loop_, caller_audio_);
      if (!shared) return fail(shared.error().message);
      shared_ = std::move(*shared);
    }
    started_ = Clock::now();
    setup_timer_ = loop_->add_periodic(Millis(10), [this] { place_calls(); });
    // Ten phases 2 ms apart, as the server's: 2,000 callers' packets do not all leave at one
    // instant, and a burst of 2,000 sends would hold a core for milliseconds.
    loop_->add_periodic(Millis(2), [this] { tick(); });
    // Calls not answered within a generous setup window count as failed.
    const int setup_s = options_.calls / std::max(1, options_.rate) + 30;
    loop_->add_timer(std::chrono::seconds(setup_s), [this] { begin_hold(); });
    loop_->run();
    return report();
  }

 private:
  int fail(const std::string& message) {
    std::cerr << "media_load: " << message << "\n";
    return 2;
  }

  void place_calls() {
    const double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    const int due = std::min(options_.calls, static_cast<int>(elapsed * options_.rate) + 1);
    while (placed_ < due) {
      ++placed_;
      LoadCall call;
      sdp::LocalMedia local;
      local.address = "127.0.0.1";
      if (shared_) {
        local.rtp_port = shared_->port();
      } else {
        auto media = media::MediaSession::create(
            *loop_, media::MediaConfig{"127.0.0.1", options_.port_min, options_.port_max}, ids_);
        if (!media) {
          ++setup_errors_;
          continue;
        }
        call.media = std::move(*media);
        local.rtp_port = call.media->local_port();
      }
      local.session_id = ids_.u32();
      local.codecs = {sdp::Codec::kPcmu};
      if (options_.srtp) {
        local.srtp_suites = {sdp::SrtpSuite::kAesCm128HmacSha1_80};
        auto offer = sdp::make_secure_offer(local);
        if (!offer) {
          ++setup_errors_;
          continue;
        }
        call.offer = std::move(*offer);
      } else {
        call.offer = sdp::make_offer(local);
      }
      auto handle =
          ua_->invite(options_.target, "sip:load@127.0.0.1", peer_, sdp::serialize(call.offer));
      if (!handle) {
        ++setup_errors_;
        continue;
      }
      calls_[*handle] = std::move(call);
    }
    if (placed_ >= options_.calls) loop_->cancel_timer(setup_timer_);
  }

  void on_answered(sip::CallHandle handle, const sip::Message& response) {
    auto it = calls_.find(handle);
    if (it == calls_.end()) return;
    LoadCall& call = it->second;
    auto answer = sdp::parse(response.body);
    auto negotiated = answer ? sdp::accept_answer(call.offer, *answer)
                             : Result<sdp::NegotiatedMedia>(answer.error());
    auto remote = negotiated
                      ? io::Endpoint::parse(negotiated->remote_address, negotiated->remote_port)
                      : Result<io::Endpoint>(negotiated.error());
    if (!remote) {
      ++setup_errors_;
      ua_->hangup(handle);
      return;
    }
    if (shared_) {
      bench::SharedSocketMedia::Call media_call;
      media_call.remote = *remote;
      media_call.payload_type = static_cast<std::uint8_t>(negotiated->payload_type);
      media_call.ssrc = ids_.u32();
      media_call.sequence = static_cast<std::uint16_t>(ids_.u32());
      media_call.timestamp = ids_.u32();
      shared_->add(handle, std::move(media_call));
      call.answered = true;
      phases_[handle % phases_.size()].push_back(handle);
      if (++answered_ == options_.calls) settle_then_hold();
      return;
    }
    media::StreamParams stream;
    stream.remote = *remote;
    stream.codec = server::to_media_codec(negotiated->codec);
    stream.payload_type = negotiated->payload_type;
    stream.telephone_event_pt = negotiated->telephone_event_pt;
    // The generator counts no digits: no tone detector on the server's prompts (the server's
    // own detector, the cost under test, runs on the caller audio sent here).
    stream.dtmf_mode = media::DtmfMode::kRfc4733;
    if (negotiated->srtp) stream.srtp = server::to_media_srtp(*negotiated->srtp);
    server::apply_rtcp(*negotiated, stream);  // RTCP as the server agreed (rtcp-mux)
    media::MediaSession::Handlers handlers;
    if (!options_.silence) {
      media::MediaSession* session = call.media.get();
      handlers.on_playout_done = [this, session] { session->play(caller_audio_); };
    }
    if (auto started = call.media->start(stream, std::move(handlers)); !started) {
      ++setup_errors_;
      ua_->hangup(handle);
      return;
    }
    if (!options_.silence) call.media->play(caller_audio_);
    call.answered = true;
    phases_[handle % phases_.size()].push_back(handle);
    if (++answered_ == options_.calls) settle_then_hold();
  }

  void on_ended(sip::CallHandle handle) {
    auto it = calls_.find(handle);
    if (it == calls_.end()) return;
    if (!hanging_up_ && it->second.answered) ++ended_early_;
    it->second.ended = true;
    if (hanging_up_ && ++ended_after_hold_ >= answered_) loop_->stop();
  }

  // Every phase due by now, in order (the loop skips a periodic timer that fell a period
  // behind; a phase skipped would be a frame missing from every one of its calls).
  void tick() {
    if (next_phase_due_ == SteadyTime{}) next_phase_due_ = loop_->running_timer_due();
    while (next_phase_due_ <= loop_->now()) {
      send_phase(phases_[next_phase_], next_phase_due_);
      next_phase_ = (next_phase_ + 1) % phases_.size();
      next_phase_due_ += Millis(2);
    }
  }

  void send_phase(const std::vector<sip::CallHandle>& phase, SteadyTime due) {
    std::uint64_t queued = 0;
    auto submit = [&] {  // frames count as late by when they leave, as in the server
      if (shared_)
        shared_->flush();
      else
        loop_->submit_datagrams();
      if (loop_->now() - due > Millis(5)) late_frames_ += queued;
      queued = 0;
    };
    for (sip::CallHandle handle : phase) {
      LoadCall& call = calls_[handle];
      if (!call.answered || call.ended) continue;
      ++frames_;
      if (shared_)
        shared_->send_frame(handle);
      else
        call.media->tick();
      if (++queued == 64) submit();
    }
    if (queued) submit();
  }

  // The hold's counters start a little after the last answer, once the server has
  // started every call's app: the ramp is not the steady state.
  void settle_then_hold() {
    loop_->add_timer(std::chrono::seconds(2), [this] { begin_hold(); });
  }

  void begin_hold() {
    if (holding_) return;
    holding_ = true;
    // Counters start at the hold: setup's ramp is not the steady state.
    hold_start_ = Clock::now();
    hold_own_cpu_ = own_cpu_seconds();
    if (options_.server_pid) hold_server_cpu_ = process_cpu_seconds(options_.server_pid);
    for (auto& [handle, call] : calls_) {
      if (!call.answered || call.ended) continue;
      baseline_[handle] = shared_ ? shared_stats(handle) : call.media->stats();
    }
    frames_ = late_frames_ = 0;
    std::cout << "holding " << answered_ << " calls for " << options_.hold_s << " s\n"
              << std::flush;
    loop_->add_timer(std::chrono::seconds(options_.hold_s), [this] { end_hold(); });
  }

  void end_hold() {
    hold_seconds_ = std::chrono::duration<double>(Clock::now() - hold_start_).count();
    hold_own_cpu_ = own_cpu_seconds() - hold_own_cpu_;
    if (options_.server_pid) {
      hold_server_cpu_ = process_cpu_seconds(options_.server_pid) - hold_server_cpu_;
      server_rss_kib_ = process_rss_kib(options_.server_pid);
    }
    hold_frames_ = frames_;
    hold_late_frames_ = late_frames_;
    std::cout << "hold over\n" << std::flush;  // media_load.sh reads the server's counters now
    for (auto& [handle, call] : calls_) {
      auto base = baseline_.find(handle);
      if (!call.answered || call.ended || base == baseline_.end()) continue;
      const media::MediaStats now = shared_ ? shared_stats(handle) : call.media->stats();
      received_ += now.packets_received - base->second.packets_received;
      sent_ += now.packets_sent - base->second.packets_sent;
      lost_ += now.rtcp.packets_lost - base->second.rtcp.packets_lost;
      ++measured_calls_;
    }
    // The calls stay up a little longer, media and all, so the server's counters read now
    // cover the steady hold and not the burst of hang-ups.
    loop_->add_timer(std::chrono::seconds(2), [this] { hang_up_all(); });
  }

  void hang_up_all() {
    hanging_up_ = true;
    for (auto& [handle, call] : calls_) {
      if (call.answered && !call.ended)
        ua_->hangup(handle);
      else
        ++ended_after_hold_;
    }
    loop_->add_timer(std::chrono::seconds(10), [this] { loop_->stop(); });
  }

  // What the shared socket counted for one call, in the per-call session's terms.
  media::MediaStats shared_stats(sip::CallHandle handle) const {
    media::MediaStats stats;
    if (const auto* call = shared_->find(handle)) {
      stats.packets_received = call->in.received;
      stats.packets_sent = call->sent;
      stats.rtcp.packets_lost = call->in.lost();
    }
    return stats;
  }

  int report() {
    const double per_call_s = hold_seconds_ * std::max<std::int64_t>(1, measured_calls_);
    std::printf("calls placed %d, answered %d, setup errors %d, ended early by the server %d\n",
                placed_, answered_, setup_errors_, ended_early_);
    std::printf("hold: %.1f s with %lld calls (%s)\n", hold_seconds_,
                static_cast<long long>(measured_calls_), options_.srtp ? "SRTP" : "RTP");
    std::printf(
        "from the server: %llu RTP packets received, %lld lost (%.4f %%), %.1f packets/s per "
        "call\n",
        static_cast<unsigned long long>(received_), static_cast<long long>(lost_),
        received_ + lost_
            ? 100.0 * static_cast<double>(lost_) / static_cast<double>(received_ + lost_)
            : 0.0,
        static_cast<double>(received_) / per_call_s);
    std::printf(
        "to the server: %llu RTP packets sent; generator frames late > 5 ms: %llu of %llu (%.4f "
        "%%)\n",
        static_cast<unsigned long long>(sent_), static_cast<unsigned long long>(hold_late_frames_),
        static_cast<unsigned long long>(hold_frames_),
        hold_frames_
            ? 100.0 * static_cast<double>(hold_late_frames_) / static_cast<double>(hold_frames_)
            : 0.0);
    std::printf("generator CPU over the hold: %.1f %% of one core\n",
                100.0 * hold_own_cpu_ / std::max(hold_seconds_, 1e-9));
    if (options_.server_pid)
      std::printf(
          "server CPU over the hold: %.1f %% of one core (%.1f us per call-second); RSS %ld KiB\n",
          100.0 * hold_server_cpu_ / std::max(hold_seconds_, 1e-9),
          1e6 * hold_server_cpu_ / per_call_s, server_rss_kib_);
    return answered_ == options_.calls && ended_early_ == 0 ? 0 : 1;
  }

  Options options_;
  media::SharedPrompt caller_audio_ = caller_audio();
  Logger logger_{LogLevel::kWarn, [](std::string_view line) { return privacy::redact_text(line); }};
  IdGenerator ids_;
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<bench::SharedSocketMedia> shared_;
  std::unique_ptr<sip::Transport> transport_;
  std::unique_ptr<sip::UserAgent> ua_;
  sip::Peer peer_{};
  std::unordered_map<sip::CallHandle, LoadCall> calls_;
  std::array<std::vector<sip::CallHandle>, 10> phases_;  // answered calls, by handle % 10
  std::size_t next_phase_ = 0;
  SteadyTime next_phase_due_{};
  std::unordered_map<sip::CallHandle, media::MediaStats> baseline_;
  Clock::time_point started_;
  Clock::time_point hold_start_;
  io::TimerId setup_timer_ = 0;
  int placed_ = 0, answered_ = 0, setup_errors_ = 0, ended_early_ = 0, ended_after_hold_ = 0;
  bool holding_ = false, hanging_up_ = false;
  std::uint64_t frames_ = 0, late_frames_ = 0, hold_frames_ = 0, hold_late_frames_ = 0;
  std::uint64_t received_ = 0, sent_ = 0;
  std::int64_t lost_ = 0, measured_calls_ = 0;
  double hold_seconds_ = 0, hold_own_cpu_ = 0, hold_server_cpu_ = 0;
  long server_rss_kib_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "--target")
      options.target = value();
    else if (arg == "--calls")
      options.calls = std::atoi(value().c_str());
    else if (arg == "--rate")
      options.rate = std::atoi(value().c_str());
    else if (arg == "--hold")
      options.hold_s = std::atoi(value().c_str());
    else if (arg == "--srtp")
      options.srtp = true;
    else if (arg == "--silence")
      options.silence = true;
    else if (arg == "--no-io-uring")
      options.io_uring = false;
    else if (arg == "--shared-socket")
      options.shared_socket = true;
    else if (arg == "--server-pid")
      options.server_pid = std::atoi(value().c_str());
    else {
      std::cerr << "usage: media_load [--target sip:load@127.0.0.1:5070] [--calls N] [--rate "
                   "calls/s] [--hold seconds] [--srtp] [--silence] [--no-io-uring] "
                   "[--shared-socket] [--server-pid PID]\n";
      return 2;
    }
  }
  if (options.calls < 1 || options.rate < 1 || options.hold_s < 1) {
    std::cerr << "media_load: --calls, --rate and --hold must be positive\n";
    return 2;
  }
  return LoadGenerator(options).run();
}
