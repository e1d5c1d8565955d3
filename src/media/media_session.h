// One call's media: an RTP socket from the configured port range, the frames
// being played, the digits received (RFC 4733, in-band tones, or injected
// from SIP INFO: one de-duplicated stream), and (for the test phone) the
// audio heard. Pacing is not its business: the worker's 20 ms media tick calls
// tick() on every session, so there is one timer per worker, not per call.
// With SRTP negotiated, every packet is protected on the way out and must
// authenticate on the way in; the rest of the session sees plain RTP.
// RTCP (RFC 3550) runs beside it on the RTP port + 1, or on the RTP port
// itself when SDP negotiated rtcp-mux (RFC 5761; RTCP from a peer that
// multiplexes unasked is read there too): a compound SR/RR + SDES
// every few seconds from tick(), BYE when the session ends, the peer's
// reports read into stats(), and silence from the peer noticed.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/result.h"
#include "io/endpoint.h"
#include "io/event_loop.h"
#include "io/udp_socket.h"
#include "media/audio_codec.h"
#include "media/call_recorder.h"
#include "media/codec.h"
#include "media/digit_input.h"
#include "media/frames.h"
#include "media/rfc4733.h"
#include "media/rtcp_session.h"
#include "media/srtp_session.h"

namespace keyline::media {

struct MediaConfig {
  std::string bind_host = "127.0.0.1";
  std::uint16_t port_min = 10000;
  std::uint16_t port_max = 20000;
};

struct StreamParams {
  io::Endpoint remote;
  Codec codec = Codec::kPcmu;
  int payload_type = 0;
  std::optional<int> telephone_event_pt;
  DtmfMode dtmf_mode = DtmfMode::kAuto;  // which received digits count
  // How close two reports of one key by different methods must be to count
  // as one press (see DigitDeduplicator).
  Millis digit_duplicate_window = kDuplicateWindow;
  std::optional<SrtpConfig> srtp;  // nullopt = plain RTP
  // Where our RTCP goes; nullopt = the remote RTP port + 1 (RFC 3550 §11).
  // Ignored with rtcp_mux.
  std::optional<io::Endpoint> remote_rtcp;
  // RFC 5761, as negotiated: our RTCP (SRTCP) leaves from the RTP socket to
  // wherever RTP goes (the latched address included).
  bool rtcp_mux = false;
  // The mean RTCP report interval; each actual one is randomised to 0.5-1.5
  // times it (RFC 3550 §6.3.1, so peers do not synchronise) and the first
  // is sent after half of that. Tests shorten it.
  Millis rtcp_interval = std::chrono::seconds(5);
  // No RTP or RTCP from the peer for this long fires on_inactive once; zero
  // never does.
  Millis inactivity_timeout{0};
  // Hold (RFC 3264 8.4): false while our direction is recvonly or inactive. Nothing is sent
  // (RTCP goes on); a prompt, key presses and relayed audio pause where they are and go on
  // from there when sending resumes.
  bool sending = true;
  // False while the peer is not meant to send (our direction sendonly or inactive): the
  // inactivity timeout does not run then.
  bool receiving = true;
};

using SharedPrompt = std::shared_ptr<const EncodedPrompt>;

struct MediaStats {
  std::uint64_t packets_sent = 0;
  std::uint64_t packets_received = 0;
  std::uint64_t octets_sent = 0;  // RTP payload bytes
  std::uint64_t octets_received = 0;
  std::uint64_t digits_received = 0;  // packets_received counts only what passed SRTP
  std::uint64_t digits_rfc4733 = 0;   // digits_received, by the method that carried them
  std::uint64_t digits_inband = 0;
  std::uint64_t digits_injected = 0;
  std::uint64_t digit_duplicates = 0;  // a press reported again by another method
  SrtpStats srtp;                      // received packets dropped by SRTP, by reason
  RtcpStats rtcp;                      // loss, jitter and round trip, both ways
};

class MediaSession {
 public:
  struct Handlers {
    std::function<void(char digit)> on_digit;
    std::function<void()> on_playout_done;
    // Nothing came from the peer for StreamParams::inactivity_timeout.
    std::function<void()> on_inactive;
    // Each received packet's audio, decoded (8 kHz linear), for speech input; may be empty.
    std::function<void(std::span<const std::int16_t>)> on_audio;
  };

  static Result<std::unique_ptr<MediaSession>> create(io::EventLoop& loop,
                                                      const MediaConfig& config, IdGenerator& ids);
  ~MediaSession();
  MediaSession(const MediaSession&) = delete;
  MediaSession& operator=(const MediaSession&) = delete;

  std::uint16_t local_port() const { return socket_->local().port(); }
  std::uint16_t local_rtcp_port() const { return rtcp_socket_->local().port(); }
  const std::string& local_host() const { return host_; }

  // Starts sending (silence until something plays) and delivering digits.
  // Fails only when the SRTP context, the codec or the tone detector cannot
  // be set up; the session then stays stopped. The keys move into libsrtp;
  // params_ keeps no copy.
  Status start(const StreamParams& params, Handlers handlers);
  std::optional<SrtpSuite> srtp_suite() const {
    return srtp_ ? std::optional<SrtpSuite>(srtp_->suite()) : std::nullopt;
  }
  // Queues a prompt; on_playout_done fires (posted) when the queue drains.
  void play(SharedPrompt prompt);
  // Drops everything queued; on_playout_done will not fire for it.
  void stop_playout();
  bool playing() const { return !queue_.empty(); }

  // Sends a key press over the next ticks (the test phone's keypad): as RFC
  // 4733 packets or as tones in the audio (which pause the prompt). kAuto
  // sends RFC 4733 when telephone-event was negotiated and tones otherwise.
  // Returns the method used; nullopt for a key that is not a DTMF digit, or
  // for kRfc4733 without telephone-event.
  std::optional<DigitSource> send_digit(char digit, DtmfMode how = DtmfMode::kAuto);
  bool sending_digits() const { return !dtmf_out_.empty() || tone_pos_ < tone_out_.size(); }

  // A digit that came another way (SIP INFO): joins the same stream, counted
  // once if RFC 4733 or a tone already reported the press.
  // `span`: how long the press lasted, when the method says (SIP INFO Duration=).
  void inject_digit(char digit, DigitSource source, Millis span = Millis(0));

  // Bridged transfers: audio from the other leg (8 kHz linear, as on_audio delivers it),
  // sent in this session's codec whenever no prompt or key tone is going out. At most 200 ms
  // wait; older audio is dropped so the delay between the legs stays small.
  void push_live_audio(std::span<const std::int16_t> pcm);

  // Keeps decoded received audio (8 kHz linear), for the test phone's --record.
  void keep_received_audio(bool keep) { keep_audio_ = keep; }
  const std::vector<std::int16_t>& received_audio() const { return received_audio_; }
  // Level of the audio received in the last tick window (dBFS; -100 when none).
  double last_received_dbfs() const { return last_dbfs_; }

  // Recordings fed from this call: each tick writes one frame of the
  // caller's audio received since the last tick and (for whole-call
  // recordings) the audio sent in it. The session shares ownership so a
  // recorder removed late is still valid while a tick runs.
  void add_recorder(std::shared_ptr<CallRecorder> recorder);
  void remove_recorder(const CallRecorder* recorder);
  std::size_t recorders() const { return recorders_.size(); }

  // The stream as re-negotiated in the dialog (re-INVITE or UPDATE, media_session_update.cc):
  // hold and resume (sending/receiving), a new codec (prompts already queued are transcoded),
  // a new telephone-event PT, a new remote address (latching starts over), new SRTP keys.
  // Keeps the SSRC, sequence and timestamp running. On failure the session is unchanged.
  Status update(const StreamParams& params);
  const StreamParams& params() const { return params_; }

  void tick();  // one 20 ms frame, and RTCP when due
  const MediaStats& stats() const { return stats_; }
  // When the last RTP or RTCP packet from the peer arrived (that passed
  // SRTP); start() counts as one, so a silent peer times out from there.
  SteadyTime last_received() const { return last_received_; }
  // Sends a final report with RTCP BYE, once; the destructor does it too.
  void send_bye();

 private:
  MediaSession(io::EventLoop& loop, std::string host, IdGenerator& ids);
  void on_datagram(std::span<const std::uint8_t> bytes, const io::Endpoint& from);
  void on_rtcp_datagram(std::span<const std::uint8_t> bytes, const io::Endpoint& from);
  void send_media();
  void send_rtcp(bool bye);
  void schedule_rtcp(double fraction);
  std::uint32_t arrival_units() const;
  void send_packet(std::uint8_t pt, bool marker, std::uint32_t timestamp,
                   std::span<const std::uint8_t> payload);
  void post(std::function<void()> fn);
  void deliver(char digit, DigitSource source);
  void on_audio(const RtpHeader& h, std::span<const std::uint8_t> payload);
  // Hands the frame just sent, decoded, to the recorders and ticks them.
  void record_tick(std::span<const std::uint8_t> sent, bool audio);
  // The next 160 samples of in-band tone being sent, encoded; false if none.
  bool next_tone_frame(std::span<std::uint8_t> frame);

  io::EventLoop& loop_;
  std::string host_;
  std::unique_ptr<io::UdpSocket> socket_;
  std::unique_ptr<io::UdpSocket> rtcp_socket_;
  std::unique_ptr<SrtpSession> srtp_;
  bool started_ = false;
  StreamParams params_;
  Handlers handlers_;
  bool latched_ = false;

  struct Playing {
    SharedPrompt prompt;
    std::size_t next_frame = 0;
  };
  std::deque<Playing> queue_;

  std::deque<DtmfPacket> dtmf_out_;
  std::uint32_t dtmf_timestamp_ = 0;
  std::uint32_t dtmf_packets_total_ = 0;
  std::deque<std::int16_t> live_;       // relayed audio waiting to be sent (push_live_audio)
  std::vector<std::int16_t> tone_out_;  // in-band key presses being sent
  std::size_t tone_pos_ = 0;

  // Set by start(): the codec both ways (G.722 keeps state per direction)
  // and the encoding of a silent frame.
  std::optional<AudioEncoder> encoder_;
  std::optional<AudioDecoder> decoder_;
  std::array<std::uint8_t, kFrameSamples> silence_{};

  std::uint16_t sequence_;
  std::uint32_t timestamp_;
  std::uint32_t ssrc_;
  std::optional<DigitInput> digits_in_;
  std::optional<std::uint32_t> next_audio_timestamp_;  // to notice lost audio
  bool keep_audio_ = false;
  std::vector<std::int16_t> received_audio_;
  double last_dbfs_ = -100;
  MediaStats stats_;

  std::vector<std::shared_ptr<CallRecorder>> recorders_;
  // Decodes what we send, for whole-call recordings (G.722 keeps state, so
  // not the receive direction's decoder).
  std::optional<AudioDecoder> sent_decoder_;
  // After a codec change: decodes frames of prompts queued in the old codec, which the
  // encoder then re-encodes (media_session_update.cc).
  std::optional<AudioDecoder> transcoder_;
  Codec transcoder_codec_ = Codec::kPcmu;
  // The remote address as signalled in SDP (params_.remote may have latched elsewhere).
  io::Endpoint signalled_remote_;
  const std::uint8_t* transcode(const SharedPrompt& prompt, const std::uint8_t* frame,
                                std::span<std::uint8_t> out);

  std::optional<RtcpSession> rtcp_;
  io::Endpoint rtcp_remote_;
  bool rtcp_latched_ = false;
  SteadyTime next_rtcp_{};
  std::uint32_t rtcp_random_;  // xorshift state for the interval's jitter
  bool bye_sent_ = false;
  SteadyTime last_received_{};
  bool inactive_reported_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::media
