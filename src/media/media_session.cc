#include "media/media_session.h"

#include <algorithm>

#include "media/dtmf_tone.h"
#include "media/level.h"
#include "media/rtcp.h"
#include "media/rtp_packet.h"

namespace keyline::media {
namespace {

constexpr std::size_t kMaxPayload = 320;    // 40 ms of G.711 or G.722
constexpr std::size_t kMaxDatagram = 2048;  // what we accept from the network

// What the test phone keys in-band: Q.24 asks receivers to take 40 ms tones
// and pauses down to -26 dBm0 or so; 100 ms at -10 dBm0 per tone is a
// comfortable keypad.
constexpr DtmfToneSpec kSentTone{100, 100, -10, 0, 8000};
// Audio timestamps further ahead than this are a new talkspurt or a new
// source, not lost packets to stand in for.
constexpr std::uint32_t kMaxGapUnits = 8000;

// RFC 5761 4: with RTCP multiplexed on the RTP port, the second byte of an
// RTCP packet (its type, 192-223) falls where RTP keeps marker and PT.
bool looks_like_rtcp(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[1] >= 192 && bytes[1] <= 223;
}

std::uint64_t ntp_now() {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return ntp_from_unix_us(us.count());
}

}  // namespace

Result<std::unique_ptr<MediaSession>> MediaSession::create(io::EventLoop& loop,
                                                           const MediaConfig& config,
                                                           IdGenerator& ids) {
  std::unique_ptr<MediaSession> session(new MediaSession(loop, config.bind_host, ids));
  auto receiver = [raw = session.get()](std::span<const std::uint8_t> bytes,
                                        const io::Endpoint& from) {
    raw->on_datagram(bytes, from);
  };
  auto rtcp_receiver = [raw = session.get()](std::span<const std::uint8_t> bytes,
                                             const io::Endpoint& from) {
    raw->on_rtcp_datagram(bytes, from);
  };
  // An even RTP port whose odd neighbour is free for RTCP (RFC 3550 §11):
  // when port + 1 is taken, the search goes on past it.
  auto bind_pair = [&](std::uint32_t low, std::uint32_t high) -> Status {
    while (low <= high) {
      auto sock =
          io::UdpSocket::bind_in_range(loop, config.bind_host, static_cast<std::uint16_t>(low),
                                       static_cast<std::uint16_t>(high), true, receiver);
      if (!sock) return sock.error();
      std::uint32_t port = (*sock)->local().port();
      auto rtcp_at = io::Endpoint::parse(config.bind_host, static_cast<std::uint16_t>(port + 1));
      if (!rtcp_at) return rtcp_at.error();
      if (auto rtcp = io::UdpSocket::bind(loop, *rtcp_at, rtcp_receiver)) {
        session->socket_ = std::move(*sock);
        session->rtcp_socket_ = std::move(*rtcp);
        // One datagram per socket at a time, many sockets per loop: what the loop's batch
        // (if it has one) is for.
        session->socket_->set_batched(true);
        session->rtcp_socket_->set_batched(true);
        return Ok{};
      }
      low = port + 2;
    }
    return Error{"io", "no free RTP/RTCP port pair in range"};
  };
  // Start the search at a random even port so concurrent calls do not all
  // probe the same ports first.
  std::uint32_t span = config.port_max >= config.port_min ? config.port_max - config.port_min : 0;
  std::uint32_t start = config.port_min + (span ? (ids.u32() % span) & ~1u : 0);
  Status bound = bind_pair(start, config.port_max);
  if (!bound && start > config.port_min) bound = bind_pair(config.port_min, start);
  if (!bound) return bound.error();
  return session;
}

MediaSession::MediaSession(io::EventLoop& loop, std::string host, IdGenerator& ids)
    : loop_(loop),
      host_(std::move(host)),
      sequence_(static_cast<std::uint16_t>(ids.u32())),
      timestamp_(ids.u32()),
      ssrc_(ids.u32()),
      rtcp_random_(ids.u32() | 1) {
  // RFC 7022: a random CNAME per session, so reports link no calls together.
  rtcp_.emplace(ssrc_, ids.token(16) + "@keyline");
}

MediaSession::~MediaSession() {
  *alive_ = false;
  send_bye();
}

void MediaSession::post(std::function<void()> fn) {
  // Callbacks run on the next loop turn: the owner may destroy this session
  // from inside them, which must not happen while a socket or tick handler
  // of ours is on the stack.
  std::weak_ptr<bool> alive = alive_;
  loop_.post([alive, fn = std::move(fn)] {
    if (!alive.expired()) fn();
  });
}

Status MediaSession::start(const StreamParams& params, Handlers handlers) {
  auto encoder = AudioEncoder::create(params.codec);
  if (!encoder) return encoder.error();
  auto decoder = AudioDecoder::create(params.codec);
  if (!decoder) return decoder.error();
  auto sent_decoder = AudioDecoder::create(params.codec);
  if (!sent_decoder) return sent_decoder.error();
  auto digits = DigitInput::create(params.dtmf_mode, params.telephone_event_pt.has_value(),
                                   params.digit_duplicate_window);
  if (!digits) return digits.error();
  if (auto law = g711_law(params.codec)) {
    silence_.fill(g711_silence(*law));
  } else {
    // An ADPCM encoder fed zeros settles on a steady code within a frame;
    // the second frame is what silence sounds like from here on.
    auto quiet = AudioEncoder::create(params.codec);
    if (!quiet) return quiet.error();
    std::array<std::int16_t, kFrameSamples> zeros{};
    quiet->encode(zeros, silence_);
    quiet->encode(zeros, silence_);
  }
  if (params.srtp) {
    auto srtp = SrtpSession::create(*params.srtp);
    if (!srtp) return srtp.error();
    srtp_ = std::move(*srtp);
  }
  params_ = params;
  params_.srtp.reset();  // wipes our copy of the keys: libsrtp holds them now
  signalled_remote_ = params.remote;
  handlers_ = std::move(handlers);
  encoder_ = std::move(*encoder);
  decoder_ = std::move(*decoder);
  sent_decoder_ = std::move(*sent_decoder);
  digits_in_ = std::move(*digits);
  rtcp_remote_ = params_.remote_rtcp.value_or(params_.remote);
  if (!params_.remote_rtcp) {
    if (auto next = io::Endpoint::parse(params_.remote.host(),
                                        static_cast<std::uint16_t>(params_.remote.port() + 1)))
      rtcp_remote_ = *next;
  }
  last_received_ = loop_.now();
  schedule_rtcp(0.5);  // the first report comes sooner (RFC 3550 §6.3.1)
  started_ = true;
  return Ok{};
}

void MediaSession::play(SharedPrompt prompt) {
  if (!prompt || prompt->frames.empty()) {
    if (queue_.empty())
      post([this] {
        if (handlers_.on_playout_done) handlers_.on_playout_done();
      });
    return;
  }
  queue_.push_back(Playing{std::move(prompt), 0});
}

void MediaSession::stop_playout() { queue_.clear(); }

void MediaSession::push_live_audio(std::span<const std::int16_t> pcm) {
  constexpr std::size_t kMaxLive = 8 * 200;  // 200 ms at 8 kHz
  live_.insert(live_.end(), pcm.begin(), pcm.end());
  if (live_.size() > kMaxLive)
    live_.erase(live_.begin(),
                live_.begin() + static_cast<std::ptrdiff_t>(live_.size() - kMaxLive));
}

std::optional<DigitSource> MediaSession::send_digit(char digit, DtmfMode how) {
  // SIP INFO is the signalling's business (UserAgent::send_info), not the stream's.
  if (digit_to_event(digit) < 0 || how == DtmfMode::kInfo) return std::nullopt;
  bool rfc4733 = how == DtmfMode::kRfc4733 ||
                 (how == DtmfMode::kAuto && params_.telephone_event_pt.has_value());
  if (rfc4733) {
    if (!params_.telephone_event_pt) return std::nullopt;
    for (auto& p : build_dtmf_packets(digit)) dtmf_out_.push_back(p);
    return DigitSource::kRfc4733;
  }
  if (tone_pos_ >= tone_out_.size()) {
    tone_out_.clear();
    tone_pos_ = 0;
  }
  append_dtmf_tone(digit, kSentTone, tone_out_);
  return DigitSource::kInband;
}

bool MediaSession::next_tone_frame(std::span<std::uint8_t> frame) {
  if (tone_pos_ >= tone_out_.size() || !encoder_) return false;
  std::array<std::int16_t, kFrameSamples> pcm{};
  std::size_t n = std::min(kFrameSamples, tone_out_.size() - tone_pos_);
  std::copy_n(tone_out_.begin() + static_cast<std::ptrdiff_t>(tone_pos_), n, pcm.begin());
  tone_pos_ += n;
  encoder_->encode(pcm, frame);
  return true;
}

void MediaSession::inject_digit(char digit, DigitSource source, Millis span) {
  if (!started_ || !digits_in_) return;
  if (auto d = digits_in_->inject(digit, source, loop_.now(), span)) deliver(*d, source);
  stats_.digit_duplicates = digits_in_->duplicates();
}

void MediaSession::deliver(char digit, DigitSource source) {
  ++stats_.digits_received;
  switch (source) {
    case DigitSource::kRfc4733:
      ++stats_.digits_rfc4733;
      break;
    case DigitSource::kInband:
      ++stats_.digits_inband;
      break;
    default:
      ++stats_.digits_injected;
  }
  post([this, digit] {
    if (handlers_.on_digit) handlers_.on_digit(digit);
  });
}

void MediaSession::send_packet(std::uint8_t pt, bool marker, std::uint32_t timestamp,
                               std::span<const std::uint8_t> payload) {
  alignas(8) std::uint8_t buffer[kRtpHeaderSize + kMaxPayload + kSrtpMaxOverhead];
  RtpHeader h{pt, marker, sequence_++, timestamp, ssrc_};
  std::size_t n =
      write_rtp(h, payload, std::span<std::uint8_t>(buffer, kRtpHeaderSize + kMaxPayload));
  if (n == 0) return;
  if (srtp_) {
    auto protected_length = srtp_->protect_rtp(buffer, n);
    if (!protected_length) return;  // never fall back to sending in the clear
    n = *protected_length;
  }
  if (socket_->send_to(std::span<const std::uint8_t>(buffer, n), params_.remote)) {
    ++stats_.packets_sent;
    stats_.octets_sent += payload.size();
    rtcp_->on_sent(payload.size());
  }
}

void MediaSession::tick() {
  if (!started_) return;
  SteadyTime now = loop_.now();
  if (now >= next_rtcp_) {
    send_rtcp(false);
    schedule_rtcp(1.0);
  }
  if (params_.inactivity_timeout.count() > 0 && params_.receiving && !inactive_reported_ &&
      now - last_received_ >= params_.inactivity_timeout) {
    inactive_reported_ = true;
    post([this] {
      if (handlers_.on_inactive) handlers_.on_inactive();
    });
  }
  send_media();
}

void MediaSession::send_media() {
  if (!params_.sending) {
    // On hold: time runs on (the timestamp too, so the peer's jitter buffer sees the pause
    // as time) but nothing is sent and nothing queued advances.
    timestamp_ += kFrameSamples;
    record_tick({}, false);
    return;
  }
  if (!dtmf_out_.empty() && params_.telephone_event_pt) {
    // A key press replaces audio; its packets share the press's timestamp.
    DtmfPacket p = dtmf_out_.front();
    dtmf_out_.pop_front();
    if (p.marker) {
      dtmf_timestamp_ = timestamp_;
      dtmf_packets_total_ = 0;
    }
    ++dtmf_packets_total_;
    send_packet(static_cast<std::uint8_t>(*params_.telephone_event_pt), p.marker, dtmf_timestamp_,
                p.payload);
    timestamp_ += kFrameSamples;
    record_tick({}, false);
    return;
  }
  std::array<std::uint8_t, kFrameSamples> tone;
  const std::uint8_t* frame = nullptr;
  // Holds the prompt whose last frame goes out now: popping it from the
  // queue may drop the only reference (private prompts are not cached).
  SharedPrompt finishing;
  if (next_tone_frame(tone)) {
    // An in-band key press replaces the prompt, which resumes after it.
    frame = tone.data();
  } else if (queue_.empty() && live_.size() >= kFrameSamples && encoder_) {
    // Relayed audio from a bridged leg: decoded there, encoded here, so the two legs may use
    // different codecs.
    std::array<std::int16_t, kFrameSamples> pcm{};
    std::copy_n(live_.begin(), kFrameSamples, pcm.begin());
    live_.erase(live_.begin(), live_.begin() + kFrameSamples);
    encoder_->encode(pcm, tone);
    frame = tone.data();
  } else if (!queue_.empty()) {
    Playing& current = queue_.front();
    frame = current.prompt->frames[current.next_frame].data();
    if (current.prompt->codec != params_.codec) frame = transcode(current.prompt, frame, tone);
    // Every codec here spends 160 bytes on 20 ms (codec.h), so a prompt
    // encoded for another codec still has frames of the right size; it is
    // the caller's job not to play one (it would sound like noise).
    if (++current.next_frame >= current.prompt->frames.size()) {
      finishing = std::move(current.prompt);
      queue_.pop_front();
      if (queue_.empty())
        post([this] {
          if (queue_.empty() && handlers_.on_playout_done) handlers_.on_playout_done();
        });
    }
  } else {
    frame = silence_.data();
  }
  send_packet(static_cast<std::uint8_t>(params_.payload_type), false, timestamp_,
              std::span<const std::uint8_t>(frame, kFrameSamples));
  timestamp_ += kFrameSamples;
  record_tick(std::span<const std::uint8_t>(frame, kFrameSamples), frame != silence_.data());
}

void MediaSession::add_recorder(std::shared_ptr<CallRecorder> recorder) {
  if (recorder) recorders_.push_back(std::move(recorder));
}

void MediaSession::remove_recorder(const CallRecorder* recorder) {
  std::erase_if(recorders_, [recorder](const auto& r) { return r.get() == recorder; });
}

void MediaSession::record_tick(std::span<const std::uint8_t> sent, bool audio) {
  if (recorders_.empty()) return;
  std::array<std::int16_t, kFrameSamples> pcm{};
  std::span<const std::int16_t> decoded;
  const bool wanted = std::any_of(recorders_.begin(), recorders_.end(),
                                  [](const auto& r) { return r->wants_sent_audio(); });
  // The sent decoder runs on every frame (silence too) so G.722's state
  // follows the stream; silence itself needs no decoding for G.711.
  if (wanted && sent_decoder_ && !sent.empty() && (audio || !g711_law(params_.codec))) {
    std::size_t n = sent_decoder_->decode(sent, pcm);
    if (n == kFrameSamples) decoded = pcm;
  }
  for (const auto& r : recorders_) r->on_tick(decoded);
}

void MediaSession::on_datagram(std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
  if (!started_) return;
  if (looks_like_rtcp(bytes)) {
    on_rtcp_datagram(bytes, from);
    return;
  }
  alignas(8) std::uint8_t plain[kMaxDatagram];
  if (srtp_) {
    if (bytes.size() > sizeof plain) return;
    std::copy(bytes.begin(), bytes.end(), plain);
    std::span<std::uint8_t> packet(plain, bytes.size());
    auto length = srtp_->unprotect_rtp(packet, packet.size());
    stats_.srtp = srtp_->stats();
    // Failed authentication or a replay: dropped (and counted) before it can
    // latch the media address or reach the DTMF receiver.
    if (!length) return;
    bytes = std::span<const std::uint8_t>(plain, *length);
  }
  auto rtp = parse_rtp(bytes);
  if (!rtp) return;  // not RTP (or RTCP on the wrong port): ignore
  ++stats_.packets_received;
  stats_.octets_received += rtp->payload.size();
  last_received_ = loop_.now();
  rtcp_->on_received(rtp->header, rtp->header.payload_type == params_.payload_type,
                     arrival_units());
  stats_.rtcp = rtcp_->stats();
  // Symmetric RTP: send where the peer's media really comes from (NAT).
  if (!latched_ && !(from == params_.remote)) params_.remote = from;
  latched_ = true;
  const RtpHeader& h = rtp->header;
  if (params_.telephone_event_pt && h.payload_type == *params_.telephone_event_pt) {
    if (auto digit = digits_in_->on_telephone_event(h, rtp->payload, loop_.now()))
      deliver(*digit, DigitSource::kRfc4733);
    stats_.digit_duplicates = digits_in_->duplicates();
    return;
  }
  if (h.payload_type == params_.payload_type) on_audio(h, rtp->payload);
}

void MediaSession::on_rtcp_datagram(std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
  if (!started_) return;
  alignas(8) std::uint8_t plain[kMaxDatagram];
  if (srtp_) {
    // Over SRTP, RTCP must be SRTCP: a plain or forged report is dropped.
    if (bytes.size() > sizeof plain) return;
    std::copy(bytes.begin(), bytes.end(), plain);
    auto length = srtp_->unprotect_rtcp(std::span<std::uint8_t>(plain, bytes.size()), bytes.size());
    stats_.srtp = srtp_->stats();
    if (!length) return;
    bytes = std::span<const std::uint8_t>(plain, *length);
  }
  auto compound = parse_rtcp(bytes);
  if (!compound) {
    rtcp_->on_malformed();
    stats_.rtcp = rtcp_->stats();
    return;
  }
  last_received_ = loop_.now();
  // Symmetric RTCP, as for RTP: reply where the reports come from (the RTP
  // port, for a peer that multiplexes them, RFC 5761).
  if (!rtcp_latched_) {
    rtcp_remote_ = from;
    rtcp_latched_ = true;
  }
  rtcp_->on_rtcp(*compound, ntp_now());
  stats_.rtcp = rtcp_->stats();
}

void MediaSession::send_rtcp(bool bye) {
  std::vector<std::uint8_t> packet = rtcp_->build(ntp_now(), timestamp_, bye);
  std::size_t n = packet.size();
  if (srtp_) {
    packet.resize(n + kSrtpMaxOverhead);
    auto protected_length = srtp_->protect_rtcp(packet, n);
    if (!protected_length) return;  // never in the clear
    n = *protected_length;
  }
  // Multiplexed, RTCP follows RTP: same socket, same (possibly latched) destination.
  io::UdpSocket& via = params_.rtcp_mux ? *socket_ : *rtcp_socket_;
  via.send_to(std::span<const std::uint8_t>(packet.data(), n),
              params_.rtcp_mux ? params_.remote : rtcp_remote_);
  stats_.rtcp = rtcp_->stats();
}

void MediaSession::send_bye() {
  if (!started_ || bye_sent_) return;
  bye_sent_ = true;
  send_rtcp(true);
}

void MediaSession::schedule_rtcp(double fraction) {
  // xorshift32: the spread only has to keep peers from reporting in step.
  rtcp_random_ ^= rtcp_random_ << 13;
  rtcp_random_ ^= rtcp_random_ >> 17;
  rtcp_random_ ^= rtcp_random_ << 5;
  double factor = 0.5 + (rtcp_random_ % 1001) / 1000.0;  // 0.5 to 1.5
  auto delay = std::chrono::duration_cast<std::chrono::microseconds>(params_.rtcp_interval *
                                                                     (factor * fraction));
  next_rtcp_ = loop_.now() + delay;
}

std::uint32_t MediaSession::arrival_units() const {
  // 8 kHz RTP clock: microseconds * 8 / 1000; the origin does not matter.
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(loop_.now().time_since_epoch());
  return static_cast<std::uint32_t>(us.count() * 8 / 1000);
}

void MediaSession::on_audio(const RtpHeader& h, std::span<const std::uint8_t> payload) {
  constexpr std::size_t kMaxSamples = 1600;  // 200 ms: more is not a real packet
  if (payload.size() > kMaxSamples) return;
  std::int16_t pcm[kMaxSamples];
  std::span<const std::int16_t> samples(pcm, decoder_->decode(payload, pcm));
  last_dbfs_ = rms_dbfs(samples);
  if (keep_audio_) received_audio_.insert(received_audio_.end(), samples.begin(), samples.end());
  if (handlers_.on_audio) handlers_.on_audio(samples);
  for (const auto& r : recorders_) r->on_caller_audio(samples);
  if (!digits_in_->listens_inband()) return;
  // Lost packets: let the detector's clock run over the gap, so the audio
  // either side is not spliced into one shorter (or falsely longer) tone.
  if (next_audio_timestamp_) {
    std::uint32_t gap = h.timestamp - *next_audio_timestamp_;
    if (gap > 0 && gap < kMaxGapUnits) digits_in_->on_audio_gap(gap);
  }
  next_audio_timestamp_ = h.timestamp + static_cast<std::uint32_t>(samples.size());
  char keys[4];
  std::size_t n = digits_in_->on_audio(samples, loop_.now(), keys);
  for (std::size_t i = 0; i < n; ++i) deliver(keys[i], DigitSource::kInband);
  stats_.digit_duplicates = digits_in_->duplicates();
}

}  // namespace keyline::media
