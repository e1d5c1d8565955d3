#include "server/phone_answer.h"

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
#include "server/media_rtcp.h"
#include "server/phone_transcript.h"
#include "sip/transport.h"
#include "sip/uri.h"
#include "sip/user_agent.h"
#include "speech/flite_engine.h"

namespace keyline::server {
namespace {

constexpr double kAnswerSpeechDbfs = -50.0;

class AnswerPhone {
 public:
  AnswerPhone(const AnswerPhoneOptions& options, std::ostream& out, Logger& logger)
      : options_(options), transcript_(out), logger_(logger) {
    for (auto phrase : split(options.say, '|'))
      if (!phrase.empty()) phrases_.emplace_back(phrase);
  }

  int run() {
    auto uri = sip::parse_uri(options_.listen);
    if (!uri || uri->scheme != "sip" || !uri->port || !io::Endpoint::parse(uri->host, uri->port)) {
      transcript_.out() << "error: --answer needs sip:USER@IP:PORT (an IP address and a port)\n";
      return 2;
    }
    host_ = uri->host;
    if (!phrases_.empty()) {
      auto tts = speech::make_flite_engine("rms");
      if (!tts) return fail(Error{"tts", "the flite voice cmu_us_rms could not be loaded"});
      for (const auto& phrase : phrases_) {
        auto audio = tts->synthesize(phrase);
        if (!audio) return fail(audio.error());
        spoken_.push_back(std::move(audio->samples));
      }
    }
    auto loop = io::EventLoop::create();
    if (!loop) return fail(loop.error());
    loop_ = std::move(*loop);
    sip::TransportConfig tc{uri->host, uri->port, true, false};
    auto transport = sip::Transport::create(
        *loop_, tc,
        [this](sip::Message m, const sip::Peer& from) { ua_->on_message(std::move(m), from); },
        logger_);
    if (!transport) return fail(transport.error());
    transport_ = std::move(*transport);
    sip::UaConfig uc;
    uc.contact_user = uri->user.empty() ? "answer" : uri->user;
    uc.user_agent = "Keyline-phone/0.1";
    sip::UserAgent::Handlers h;
    h.on_incoming = [this](sip::CallHandle c, const sip::Message& invite, const sip::Peer&) {
      on_incoming(c, invite);
    };
    h.on_ended = [this](sip::CallHandle c, sip::EndReason reason, int status) {
      if (c == handle_) on_ended(reason, status);
    };
    ua_ = std::make_unique<sip::UserAgent>(*loop_, *transport_, uc, std::move(h), logger_, ids_);
    say("listening on " + uri->host + ":" + std::to_string(uri->port));
    loop_->add_periodic(Millis(20), [this] { tick(); });
    loop_->add_timer(std::chrono::seconds(options_.timeout_seconds), [this] {
      say("timeout: giving up");
      timed_out_ = true;
      if (handle_) ua_->hangup(handle_);
      loop_->add_timer(Millis(1000), [this] { loop_->stop(); });
    });
    loop_->run();
    return finish();
  }

 private:
  int fail(const Error& e) { return transcript_.fail(e); }
  double now_s() const { return transcript_.now_s(); }
  void say(const std::string& line) { transcript_.say(line); }

  void on_incoming(sip::CallHandle c, const sip::Message& invite) {
    if (handle_) {  // one call only
      ua_->reject(c, 486);
      return;
    }
    handle_ = c;
    std::string headers;
    for (const auto& header : invite.headers) {
      const std::string& name = header.name;
      if (name.size() > 2 && (name[0] == 'X' || name[0] == 'x') && name[1] == '-')
        headers += " " + name + "=" + header.value;
    }
    say("INVITE received from " + std::string(invite.header("From").value_or("?")) +
        (headers.empty() ? "" : ";" + headers));
    if (options_.reject_status > 0) {
      refused_ = true;
      say("refusing with " + std::to_string(options_.reject_status));
      ua_->reject(c, options_.reject_status);
      return;
    }
    auto offer = sdp::parse(invite.body);
    auto media = media::MediaSession::create(*loop_, media::MediaConfig{host_, 40000, 49998}, ids_);
    if (!offer || !media) {
      ua_->reject(c, 488);
      return;
    }
    media_ = std::move(*media);
    media_->keep_received_audio(true);
    sdp::LocalMedia local;
    local.address = host_;
    local.rtp_port = media_->local_port();
    local.session_id = ids_.u32();
    auto answer = sdp::answer_offer(*offer, local);
    if (!answer) {
      ua_->reject(c, 488);
      return;
    }
    auto remote = io::Endpoint::parse(answer->media.remote_address, answer->media.remote_port);
    if (!remote) {
      ua_->reject(c, 488);
      return;
    }
    stream_.remote = *remote;
    stream_.codec = to_media_codec(answer->media.codec);
    stream_.payload_type = answer->media.payload_type;
    stream_.telephone_event_pt = answer->media.telephone_event_pt;
    apply_rtcp(answer->media, stream_);
    answer_sdp_ = sdp::serialize(answer->sdp);
    if (options_.ring_ms > 0) {
      ua_->ringing(c);
      loop_->add_timer(Millis(options_.ring_ms), [this] { answer_call(); });
    } else {
      answer_call();
    }
  }

  void answer_call() {
    if (ended_) return;
    ua_->answer(handle_, answer_sdp_);
    media::MediaSession::Handlers handlers;
    handlers.on_digit = [this](char digit) {
      digits_ += digit;
      say(std::string("DTMF received: ") + digit);
    };
    if (auto started = media_->start(stream_, std::move(handlers)); !started) {
      say("media could not start: " + started.error().message);
      ua_->hangup(handle_);
      return;
    }
    answered_ = true;
    answered_at_ = now_s();
    last_speech_at_ = now_s();
    say("answered: 200 OK");
  }

  void tick() {
    if (!answered_ || ended_) return;
    media_->tick();
    const std::size_t received = media_->received_audio().size();
    const bool fresh = received != last_received_samples_;
    last_received_samples_ = received;
    if (fresh && media_->last_received_dbfs() > kAnswerSpeechDbfs) {
      if (speech_frames_ == 0) say("speech received from the caller");
      ++speech_frames_;
      last_speech_at_ = now_s();
    }
    // Keys as in-band tones (audio, not RFC 4733), so they reach a bridged caller only through
    // the audio relay.
    if (!keyed_ && !options_.dtmf.empty() && now_s() - answered_at_ >= 1.0) {
      keyed_ = true;
      for (char key : options_.dtmf) media_->send_digit(key, media::DtmfMode::kInband);
      say("sent DTMF \"" + options_.dtmf + "\" (in-band tones)");
      last_speech_at_ = now_s() + 0.2 * static_cast<double>(options_.dtmf.size());
    }
    // A phrase whenever the line has been quiet for a moment (and we are not talking).
    if (next_phrase_ < spoken_.size() && !media_->playing() && !media_->sending_digits() &&
        now_s() - last_speech_at_ > 0.8) {
      const auto& pcm = spoken_[next_phrase_];
      media_->play(
          std::make_shared<const media::EncodedPrompt>(media::encode_prompt(stream_.codec, pcm)));
      say("said \"" + phrases_[next_phrase_] + "\"");
      ++next_phrase_;
      last_speech_at_ = now_s() + static_cast<double>(pcm.size()) / 8000;
    }
    if (options_.hangup_after_ms >= 0 && !hung_up_ &&
        (now_s() - answered_at_) * 1000 >= options_.hangup_after_ms) {
      hung_up_ = true;
      say("hanging up (BYE)");
      ua_->hangup(handle_);
    }
  }

  void on_ended(sip::EndReason reason, int status) {
    end_reason_ = reason;
    say("call ended: " + std::string(sip::end_reason_name(reason)) +
        (status ? " " + std::to_string(status) : ""));
    if (refused_ && ++refused_calls_ < options_.calls) {
      handle_ = 0;  // ready for the next call
      return;
    }
    ended_ = true;
    loop_->add_timer(Millis(300), [this] { loop_->stop(); });
  }

  int finish() {
    if (!options_.record_path.empty() && media_) {
      auto written = media::write_wav(options_.record_path, media_->received_audio(), 8000);
      if (!written) say("recording failed: " + written.error().message);
    }
    transcript_.out() << "summary: answered=" << (answered_ ? "yes" : "no")
                      << " rtp_received=" << (media_ ? media_->stats().packets_received : 0)
                      << " speech_ms=" << speech_frames_ * 20 << " dtmf_received=" << digits_
                      << " phrases_said=" << next_phrase_ << "/" << spoken_.size() << " ended="
                      << (ended_ ? std::string(sip::end_reason_name(end_reason_)) : "no") << "\n";
    if (timed_out_ || !ended_) return 1;
    if (refused_) return 0;
    const bool clean =
        end_reason_ == sip::EndReason::kRemoteBye || end_reason_ == sip::EndReason::kLocalBye;
    return answered_ && clean ? 0 : 1;
  }

  const AnswerPhoneOptions& options_;
  PhoneTranscript transcript_;
  Logger& logger_;
  IdGenerator ids_;
  std::string host_;
  std::unique_ptr<io::EventLoop> loop_;
  std::unique_ptr<sip::Transport> transport_;
  std::unique_ptr<sip::UserAgent> ua_;
  std::unique_ptr<media::MediaSession> media_;
  media::StreamParams stream_;
  std::string answer_sdp_;
  sip::CallHandle handle_ = 0;
  std::vector<std::string> phrases_;
  std::vector<std::vector<std::int16_t>> spoken_;
  std::size_t next_phrase_ = 0;
  std::string digits_;
  bool answered_ = false;
  bool refused_ = false;
  int refused_calls_ = 0;
  bool ended_ = false;
  bool hung_up_ = false;
  bool keyed_ = false;
  bool timed_out_ = false;
  sip::EndReason end_reason_ = sip::EndReason::kTimeout;
  double answered_at_ = 0;
  double last_speech_at_ = 0;
  std::size_t last_received_samples_ = 0;
  std::uint64_t speech_frames_ = 0;
};

}  // namespace

int run_answer_phone(const AnswerPhoneOptions& options, std::ostream& out, Logger& logger) {
  AnswerPhone phone(options, out, logger);
  return phone.run();
}

}  // namespace keyline::server
