#include "media/media_session.h"

#include <algorithm>

#include "media/level.h"
#include "media/rtp_packet.h"

namespace keyline::media {
namespace {

std::uint8_t silence_code(G711 law) { return law == G711::kUlaw ? 0xFF : 0xD5; }

constexpr std::size_t kMaxPayload = 320;    // 40 ms of G.711
constexpr std::size_t kMaxDatagram = 2048;  // what we accept from the network

// RFC 5761 4: with RTCP multiplexed on the RTP port, the second byte of an
// RTCP packet (its type, 192-223) falls where RTP keeps marker and PT.
bool looks_like_rtcp(std::span<const std::uint8_t> bytes) {
  return bytes.size() >= 2 && bytes[1] >= 192 && bytes[1] <= 223;
}

}  // namespace

Result<std::unique_ptr<MediaSession>> MediaSession::create(io::EventLoop& loop,
                                                           const MediaConfig& config,
                                                           IdGenerator& ids) {
  std::unique_ptr<MediaSession> session(new MediaSession(loop, config.bind_host, ids));
  // Start the search at a random even port so concurrent calls do not all
  // probe the same ports first.
  std::uint32_t span = config.port_max >= config.port_min ? config.port_max - config.port_min : 0;
  std::uint16_t start =
      static_cast<std::uint16_t>(config.port_min + (span ? (ids.u32() % span) & ~1u : 0));
  auto receiver = [raw = session.get()](std::span<const std::uint8_t> bytes,
                                        const io::Endpoint& from) {
    raw->on_datagram(bytes, from);
  };
  auto sock =
      io::UdpSocket::bind_in_range(loop, config.bind_host, start, config.port_max, true, receiver);
  if (!sock && start > config.port_min) {
    sock = io::UdpSocket::bind_in_range(loop, config.bind_host, config.port_min, start, true,
                                        receiver);
  }
  if (!sock) return sock.error();
  session->socket_ = std::move(*sock);
  return session;
}

MediaSession::MediaSession(io::EventLoop& loop, std::string host, IdGenerator& ids)
    : loop_(loop),
      host_(std::move(host)),
      sequence_(static_cast<std::uint16_t>(ids.u32())),
      timestamp_(ids.u32()),
      ssrc_(ids.u32()) {}

MediaSession::~MediaSession() { *alive_ = false; }

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
  if (params.srtp) {
    auto srtp = SrtpSession::create(*params.srtp);
    if (!srtp) return srtp.error();
    srtp_ = std::move(*srtp);
  }
  params_ = params;
  params_.srtp.reset();  // wipes our copy of the keys: libsrtp holds them now
  handlers_ = std::move(handlers);
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

void MediaSession::send_digit(char digit) {
  for (auto& p : build_dtmf_packets(digit)) dtmf_out_.push_back(p);
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
  if (socket_->send_to(std::span<const std::uint8_t>(buffer, n), params_.remote))
    ++stats_.packets_sent;
}

void MediaSession::tick() {
  if (!started_) return;
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
    return;
  }
  std::array<std::uint8_t, kFrameSamples> silence;
  const std::uint8_t* frame = nullptr;
  if (!queue_.empty()) {
    Playing& current = queue_.front();
    frame = current.prompt->frames[current.next_frame].data();
    if (++current.next_frame >= current.prompt->frames.size()) {
      queue_.pop_front();
      if (queue_.empty())
        post([this] {
          if (queue_.empty() && handlers_.on_playout_done) handlers_.on_playout_done();
        });
    }
  } else {
    silence.fill(silence_code(params_.law));
    frame = silence.data();
  }
  send_packet(static_cast<std::uint8_t>(params_.payload_type), false, timestamp_,
              std::span<const std::uint8_t>(frame, kFrameSamples));
  timestamp_ += kFrameSamples;
}

void MediaSession::on_datagram(std::span<const std::uint8_t> bytes, const io::Endpoint& from) {
  if (!started_) return;
  alignas(8) std::uint8_t plain[kMaxDatagram];
  if (srtp_) {
    if (bytes.size() > sizeof plain) return;
    std::copy(bytes.begin(), bytes.end(), plain);
    std::span<std::uint8_t> packet(plain, bytes.size());
    bool rtcp = looks_like_rtcp(bytes);
    auto length = rtcp ? srtp_->unprotect_rtcp(packet, packet.size())
                       : srtp_->unprotect_rtp(packet, packet.size());
    stats_.srtp = srtp_->stats();
    // Failed authentication or a replay: dropped (and counted) before it can
    // latch the media address or reach the DTMF receiver.
    if (!length || rtcp) return;  // RTCP is authenticated but not used yet
    bytes = std::span<const std::uint8_t>(plain, *length);
  }
  auto rtp = parse_rtp(bytes);
  if (!rtp) return;  // not RTP (or RTCP on the wrong port): ignore
  ++stats_.packets_received;
  // Symmetric RTP: send where the peer's media really comes from (NAT).
  if (!latched_ && !(from == params_.remote)) params_.remote = from;
  latched_ = true;
  const RtpHeader& h = rtp->header;
  if (params_.telephone_event_pt && h.payload_type == *params_.telephone_event_pt) {
    if (auto digit = dtmf_in_.on_packet(h, rtp->payload)) {
      ++stats_.digits_received;
      char d = *digit;
      post([this, d] {
        if (handlers_.on_digit) handlers_.on_digit(d);
      });
    }
    return;
  }
  if (h.payload_type == params_.payload_type && rtp->payload.size() <= 1600) {
    std::int16_t pcm[1600];
    decode_g711(params_.law, rtp->payload, std::span<std::int16_t>(pcm, rtp->payload.size()));
    std::span<const std::int16_t> samples(pcm, rtp->payload.size());
    last_dbfs_ = rms_dbfs(samples);
    if (keep_audio_) received_audio_.insert(received_audio_.end(), samples.begin(), samples.end());
  }
}

}  // namespace keyline::media
