#include "server/phone.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <deque>

#include "base/ids.h"
#include "base/strings.h"
#include "io/event_loop.h"
#include "media/media_session.h"
#include "media/wav.h"
#include "sdp/negotiation.h"
#include "sdp/session.h"
#include "server/media_codec.h"
#include "server/negotiated_stream.h"
#include "server/phone_transcript.h"
#include "sip/dtmf_info.h"
#include "sip/transport.h"
#include "sip/uri.h"
#include "sip/user_agent.h"
#include "speech/flite_engine.h"

namespace keyline::server {
namespace {

constexpr double kSpeechDbfs = -50.0;

Result<io::Endpoint> resolve(const std::string& host, std::uint16_t port) {
  if (auto numeric = io::Endpoint::parse(host, port)) return numeric;
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || !found)
    return make_error("phone", "cannot resolve host " + host);
  io::Endpoint ep = io::Endpoint::from_sockaddr(found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  return io::Endpoint::parse(ep.host(), port);
}

// The local address the kernel would use to reach `remote`.
std::string local_address_for(const io::Endpoint& remote) {
  int fd = ::socket(remote.family(), SOCK_DGRAM, 0);
  if (fd < 0) return "127.0.0.1";
  std::string host = remote.family() == AF_INET6 ? "::1" : "127.0.0.1";
  if (::connect(fd, remote.sockaddr_ptr(), remote.sockaddr_len()) == 0) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0)
      host = io::Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&ss), len).host();
  }
  ::close(fd);
  return host;
}

class Phone {
 public:
  Phone(const PhoneOptions& options, std::ostream& out, Logger& logger)
      : options_(options), transcript_(out), logger_(logger) {
    for (auto group : split(options.dtmf, ' '))
      if (!group.empty()) groups_.emplace_back(group);
    dtmf_groups_ = groups_.size();
    for (auto phrase : split(options.say, '|'))
      if (!phrase.empty()) groups_.emplace_back(phrase);
  }

  int run() {
    auto target = sip::parse_uri(options_.target);
    if (!target || (target->scheme != "sip" && target->scheme != "sips")) {
      transcript_.out() << "error: target must be a sip: URI like sip:100@127.0.0.1:5060\n";
      return 2;
    }
    bool tls = options_.tls || target->scheme == "sips" ||
               iequals(target->param("transport").value_or(""), "tls");
    bool tcp = !tls && (options_.tcp || iequals(target->param("transport").value_or(""), "tcp"));
    auto remote = resolve(target->host, target->port ? target->port : (tls ? 5061 : 5060));
    if (!remote) {
      transcript_.out() << "error: " << remote.error().message << "\n";
      return 2;
    }
    if (auto spoken = synthesize_phrases(); !spoken) return fail(spoken.error());
    auto loop = io::EventLoop::create();
    if (!loop) return fail(loop.error());
    loop_ = std::move(*loop);
    std::string local_ip = local_address_for(*remote);
    sip::TransportConfig tc{local_ip, 0, !tcp && !tls, tcp || tls};
    if (tls) {
      auto ctx = io::TlsContext::client(
          io::TlsClientSettings{options_.ca_file, options_.cert_file, options_.key_file});
      if (!ctx) return fail(ctx.error());
      tc.tls_client = *ctx;
      tc.tls_server_name = target->host;
    }
    auto transport = sip::Transport::create(
        *loop_, tc,
        [this](sip::Message m, const sip::Peer& from) { ua_->on_message(std::move(m), from); },
        logger_);
    if (!transport) return fail(transport.error());
    transport_ = std::move(*transport);

    sip::UaConfig uc;
    uc.contact_user = "phone";
    uc.user_agent = "Keyline-phone/0.1";
    uc.auth_user = options_.auth_user;
    uc.auth_password = options_.auth_password;
    sip::UserAgent::Handlers h;
    h.on_provisional = [this](sip::CallHandle, const sip::Message& r) {
      say(std::to_string(r.status) + " " + r.reason);
    };
    h.on_answered = [this](sip::CallHandle, const sip::Message& r) { on_answered(r); };
    // An INFO from the far end (an Assistant's send_sip_info): its X- headers and body size, so
    // a test can see what arrived. DTMF INFO goes the other way only.
    h.on_info = [this](sip::CallHandle, const sip::Message& info) {
      std::string line = "INFO received:";
      for (const auto& header : info.headers)
        if (header.name.size() > 2 && (header.name[0] == 'X' || header.name[0] == 'x') &&
            header.name[1] == '-')
          line += " " + header.name + "=" + header.value;
      say(line + " body=" + std::to_string(info.body.size()) + " bytes");
      return 200;
    };
    h.on_ended = [this](sip::CallHandle, sip::EndReason reason, int status) {
      on_ended(reason, status);
    };
    ua_ = std::make_unique<sip::UserAgent>(*loop_, *transport_, uc, std::move(h), logger_, ids_);

    auto media =
        media::MediaSession::create(*loop_, media::MediaConfig{local_ip, 40000, 49998}, ids_);
    if (!media) return fail(media.error());
    media_ = std::move(*media);
    media_->keep_received_audio(true);  // also how the phone hears that a prompt ended

    sdp::LocalMedia local;
    local.address = local_ip;
    local.rtp_port = media_->local_port();
    local.session_id = ids_.u32();
    if (!options_.codec.empty()) {
      auto codec = parse_codec(options_.codec);
      if (!codec) {
        transcript_.out() << "error: unknown codec " << options_.codec << " (PCMU, PCMA, G722)\n";
        return 2;
      }
      local.codecs = {*codec};
    }
    if (options_.inband_dtmf || options_.info_dtmf) local.telephone_event_pt = 0;
    if (options_.srtp) {
      if (!options_.srtp_suite.empty()) {
        auto suite = sdp::parse_suite(options_.srtp_suite);
        if (!suite) {
          transcript_.out() << "error: unknown SRTP suite " << options_.srtp_suite << "\n";
          return 2;
        }
        local.srtp_suites = {*suite};
      }
      auto offer = sdp::make_secure_offer(local);
      if (!offer) return fail(offer.error());
      offer_ = std::move(*offer);
    } else {
      offer_ = sdp::make_offer(local);
    }
    sip::Peer peer{tls   ? sip::TransportKind::kTls
                   : tcp ? sip::TransportKind::kTcp
                         : sip::TransportKind::kUdp,
                   *remote,
                   {}};
    std::string from = options_.from;
    auto handle = ua_->invite(options_.target, from, peer, sdp::serialize(offer_));
    if (!handle) return fail(handle.error());
    handle_ = *handle;
    say("INVITE " + options_.target + " (" + std::string(peer.transport_name()) +
        (options_.srtp ? ", SRTP offered" : "") + ", RTP port " +
        std::to_string(media_->local_port()) + ")");

    loop_->add_periodic(Millis(20), [this] { tick(); });
    loop_->add_timer(std::chrono::seconds(options_.timeout_seconds), [this] {
      say("timeout: hanging up");
      timed_out_ = true;
      ua_->hangup(handle_);
      loop_->add_timer(Millis(2000), [this] { loop_->stop(); });
    });
    loop_->run();
    return finish();
  }

 private:
  int fail(const Error& e) { return transcript_.fail(e); }
  double now_s() const { return transcript_.now_s(); }
  void say(const std::string& line) { transcript_.say(line); }

  void on_answered(const sip::Message& response) {
    auto answered = stream_from_answer(offer_, response.body);
    if (!answered) {
      say("200 OK but the answer is unusable (" + answered.error().message + "); hanging up");
      ua_->hangup(handle_);
      return;
    }
    const sdp::NegotiatedMedia& negotiated = answered->negotiated;
    media::StreamParams stream = std::move(answered->stream);
    codec_ = stream.codec;
    // Keys from the far end (RFC 4733 or tones in its audio) are printed: a bridged transfer's
    // agent keying in-band proves its audio reaches the caller.
    media::MediaSession::Handlers handlers;
    handlers.on_digit = [this](char digit) {
      digits_received_ += digit;
      say(std::string("DTMF received: ") + digit);
    };
    auto started = media_->start(stream, std::move(handlers));
    stream.srtp.reset();
    if (!started) {
      say("media could not start: " + started.error().message + "; hanging up");
      ua_->hangup(handle_);
      return;
    }
    answered_ = true;
    answered_at_ = now_s();
    last_group_at_ = now_s();
    if (groups_.empty()) groups_sent_at_ = now_s();
    say("answered: 200 OK (" + std::string(sdp::codec_name(negotiated.codec)) +
        (stream.telephone_event_pt
             ? ", telephone-event " + std::to_string(*stream.telephone_event_pt)
             : ", no telephone-event") +
        (negotiated.srtp ? ", SRTP " + std::string(sdp::suite_name(negotiated.srtp->suite))
                         : std::string(", RTP unencrypted")) +
        ", media to " + stream.remote.to_string() +
        (negotiated.rtcp_mux ? ", RTCP muxed on the RTP port" : "") + ")");
  }

  void tick() {
    if (!answered_ || ended_) return;
    media_->tick();
    // SIP INFO keys go one per 200 ms: each is its own transaction, and one sent before the
    // previous arrived could overtake it (a CSeq out of order is refused).
    if (!info_keys_.empty() && ++info_ticks_ % 10 == 0) {
      char key = info_keys_.front();
      info_keys_.pop_front();
      if (auto sent =
              ua_->send_info(handle_, "application/dtmf-relay", sip::dtmf_relay_body(key, 160));
          !sent)
        say("INFO not sent: " + sent.error().message);
    }
    double level = media_->last_received_dbfs();
    std::size_t received = media_->received_audio().size();
    bool fresh = received != last_received_samples_;
    last_received_samples_ = received;
    bool speech = fresh && level > kSpeechDbfs;
    if (speech) {
      ++speech_frames_;
      if (!speaking_) {
        speaking_ = true;
        if (!heard_any_) say("prompt audio received (first non-silent RTP)");
        heard_any_ = true;
      }
      // Talking over prompts: a turn's prompt is the far end speaking again after it fell
      // quiet, not the rest of the prompt our last phrase interrupted.
      if (quiet_since_group_ && !prompt_started_) {
        prompt_started_ = true;
        heard_from_ = now_s();
      }
      heard_since_group_ = true;
      last_speech_at_ = now_s();
    } else if (speaking_ && now_s() - last_speech_at_ > 0.3) {
      speaking_ = false;
    }
    double quiet_for = now_s() - last_speech_at_;
    if (!speaking_ && quiet_for * 1000 >= options_.gap_ms) quiet_since_group_ = true;
    if (media_->sending_digits() || media_->playing() || !info_keys_.empty()) return;
    if (next_group_ < groups_.size()) {
      bool your_turn = heard_since_group_ && !speaking_ && quiet_for * 1000 >= options_.gap_ms;
      if (options_.say_over_ms >= 0 && next_group_ >= dtmf_groups_)  // talk over the prompt
        your_turn = prompt_started_ && (now_s() - heard_from_) * 1000 >= options_.say_over_ms;
      bool nothing_heard = now_s() - last_group_at_ > 10.0;  // the far end may be mute
      if (your_turn || nothing_heard) send_group();
    } else if (options_.hangup_after_ms >= 0 && !hung_up_ && groups_sent_at_ >= 0 &&
               (now_s() - groups_sent_at_) * 1000 >= options_.hangup_after_ms) {
      hung_up_ = true;
      say("hanging up (BYE)");
      ua_->hangup(handle_);
    }
  }

  // Spoken turns are synthesized before dialing, so a turn goes out the moment it is due.
  Status synthesize_phrases() {
    if (dtmf_groups_ == groups_.size()) return Ok{};
    auto tts = speech::make_flite_engine("rms");
    if (!tts) return make_error("tts", "the flite voice cmu_us_rms could not be loaded");
    for (std::size_t i = dtmf_groups_; i < groups_.size(); ++i) {
      auto audio = tts->synthesize(groups_[i]);
      if (!audio) return audio.error();
      // A short lead-in, as a caller draws breath; the line is quiet after (media sends
      // silence), which is how the far end hears the end of speech.
      std::vector<std::int16_t> pcm(8000 * 3 / 10, 0);
      pcm.insert(pcm.end(), audio->samples.begin(), audio->samples.end());
      spoken_.push_back(std::move(pcm));
    }
    return Ok{};
  }

  void send_group() {
    if (next_group_ >= dtmf_groups_) {
      const std::size_t i = next_group_++;
      const auto& pcm = spoken_[i - dtmf_groups_];
      media_->play(std::make_shared<media::EncodedPrompt>(media::encode_prompt(codec_, pcm)));
      say("said \"" + groups_[i] + "\" (" + std::to_string(pcm.size() / 8) + " ms of speech)");
      heard_since_group_ = false;
      quiet_since_group_ = false;
      prompt_started_ = false;
      last_group_at_ = now_s();
      if (next_group_ == groups_.size()) groups_sent_at_ = now_s();
      return;
    }
    const std::string& group = groups_[next_group_++];
    if (group == "~") {
      speak();
      return;
    }
    // Without telephone-event in the answer, kAuto falls back to tones.
    auto how = options_.inband_dtmf ? media::DtmfMode::kInband : media::DtmfMode::kAuto;
    std::optional<media::DigitSource> used;
    if (options_.info_dtmf) {
      for (char digit : group) info_keys_.push_back(digit);
      info_ticks_ = 0;
      used = media::DigitSource::kSipInfo;
    } else {
      for (char digit : group) used = media_->send_digit(digit, how);
    }
    say("sent DTMF \"" + group + "\" (" +
        (used == media::DigitSource::kInband    ? "in-band tones"
         : used == media::DigitSource::kSipInfo ? "SIP INFO"
                                                : "RFC 4733") +
        ")");
    heard_since_group_ = false;
    last_group_at_ = now_s();
    if (next_group_ == groups_.size()) groups_sent_at_ = now_s();
  }

  // "~": says the --speak-wav audio (first channel, 8 kHz) instead of keying.
  void speak() {
    auto wav = options_.speak_wav.empty() ? Result<media::WavData>(Error{"io", "no --speak-wav"})
                                          : media::read_wav(options_.speak_wav);
    if (!wav || wav->sample_rate != 8000 || wav->channels < 1) {
      say("cannot speak: --speak-wav must name an 8 kHz WAV file");
    } else {
      std::vector<std::int16_t> mono;
      const auto step = static_cast<std::size_t>(wav->channels);
      for (std::size_t i = 0; i < wav->samples.size(); i += step) mono.push_back(wav->samples[i]);
      media_->play(
          std::make_shared<const media::EncodedPrompt>(media::encode_prompt(codec_, mono)));
      say("spoke " + std::to_string(mono.size() * 1000 / 8000) + " ms of audio");
    }
    heard_since_group_ = false;
    last_group_at_ = now_s();
    if (next_group_ == groups_.size()) groups_sent_at_ = now_s();
  }

  void on_ended(sip::EndReason reason, int status) {
    ended_ = true;
    std::string what;
    switch (reason) {
      case sip::EndReason::kRemoteBye:
        what = "BYE received: the far end hung up";
        break;
      case sip::EndReason::kLocalBye:
        what = "BYE sent";
        break;
      case sip::EndReason::kFailed:
        what = "call failed: " + std::to_string(status);
        break;
      default:
        what = "call ended: " + std::string(sip::end_reason_name(reason)) +
               (status ? " " + std::to_string(status) : "");
    }
    end_reason_ = reason;
    say(what);
    // Let the BYE transaction finish, then stop.
    loop_->add_timer(Millis(300), [this] { loop_->stop(); });
  }

  int finish() {
    const auto& audio = media_->received_audio();
    if (!options_.record_path.empty()) {
      auto written = media::write_wav(options_.record_path, audio, 8000);
      if (written)
        say("recorded " + std::to_string(audio.size() / 8) + " ms to " + options_.record_path);
      else
        say("recording failed: " + written.error().message);
    }
    bool all_sent = next_group_ == groups_.size();
    transcript_.out() << "summary: answered=" << (answered_ ? "yes" : "no")
                      << " rtp_received=" << media_->stats().packets_received
                      << " rtp_sent=" << media_->stats().packets_sent
                      << " srtp_dropped=" << srtp_dropped() << " speech_ms=" << speech_frames_ * 20
                      << " dtmf_groups_sent=" << std::min(next_group_, dtmf_groups_) << "/"
                      << dtmf_groups_
                      << " phrases_said=" << next_group_ - std::min(next_group_, dtmf_groups_)
                      << "/" << groups_.size() - dtmf_groups_
                      << " dtmf_received=" << digits_received_ << " ended="
                      << (ended_ ? std::string(sip::end_reason_name(end_reason_))
                                 : std::string("no"))
                      << "\n";
    bool clean = ended_ && (end_reason_ == sip::EndReason::kRemoteBye ||
                            end_reason_ == sip::EndReason::kLocalBye);
    return answered_ && all_sent && clean && !timed_out_ ? 0 : 1;
  }

  // Received packets SRTP refused (auth failure, replay, malformed).
  std::uint64_t srtp_dropped() const {
    const auto& s = media_->stats().srtp;
    return s.auth_failures + s.replays + s.other_errors;
  }

  const PhoneOptions& options_;
  PhoneTranscript transcript_;
  Logger& logger_;
  IdGenerator ids_;
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<sip::Transport> transport_;
  std::unique_ptr<sip::UserAgent> ua_;
  std::unique_ptr<media::MediaSession> media_;
  sdp::SessionDescription offer_;
  sip::CallHandle handle_ = 0;
  std::vector<std::string> groups_;  // DTMF groups, then phrases to say
  std::size_t dtmf_groups_ = 0;
  std::deque<char> info_keys_;  // --dtmf-method info: keys waiting for their INFO
  unsigned info_ticks_ = 0;
  std::vector<std::vector<std::int16_t>> spoken_;  // the phrases, synthesized (8 kHz)
  media::Codec codec_ = media::Codec::kPcmu;
  std::size_t next_group_ = 0;
  bool answered_ = false;
  bool ended_ = false;
  bool timed_out_ = false;
  bool hung_up_ = false;
  sip::EndReason end_reason_ = sip::EndReason::kTimeout;
  double answered_at_ = 0;
  double last_group_at_ = 0;
  double groups_sent_at_ = -1;
  double last_speech_at_ = 0;
  double heard_from_ = 0;          // when the far end started the prompt (--say-over-ms)
  bool quiet_since_group_ = true;  // the far end fell quiet since our last turn
  bool prompt_started_ = false;    // ... and then started speaking again
  bool speaking_ = false;
  bool heard_any_ = false;
  bool heard_since_group_ = false;
  std::size_t last_received_samples_ = 0;
  std::uint64_t speech_frames_ = 0;
  std::string digits_received_;
};

}  // namespace

int run_phone(const PhoneOptions& options, std::ostream& out, Logger& logger) {
  Phone phone(options, out, logger);
  return phone.run();
}

}  // namespace keyline::server
