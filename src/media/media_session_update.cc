// Re-negotiation of a running stream (a re-INVITE or UPDATE in the dialog): hold and resume,
// codec change, a new remote address, new SRTP keys.
#include "media/media_session.h"

namespace keyline::media {

Status MediaSession::update(const StreamParams& params) {
  if (!started_) return Error{"media", "update before start"};
  // Everything that can fail is made first, so a failure leaves the session as it was.
  std::optional<AudioEncoder> encoder;
  std::optional<AudioDecoder> decoder;
  std::optional<AudioDecoder> sent_decoder;
  const bool codec_changed = params.codec != params_.codec;
  if (codec_changed) {
    auto e = AudioEncoder::create(params.codec);
    if (!e) return e.error();
    auto d = AudioDecoder::create(params.codec);
    if (!d) return d.error();
    auto sd = AudioDecoder::create(params.codec);
    if (!sd) return sd.error();
    encoder = std::move(*e);
    decoder = std::move(*d);
    sent_decoder = std::move(*sd);
  }
  std::optional<DigitInput> digits;
  if (params.telephone_event_pt.has_value() != params_.telephone_event_pt.has_value() ||
      params.dtmf_mode != params_.dtmf_mode) {
    auto made = DigitInput::create(params.dtmf_mode, params.telephone_event_pt.has_value(),
                                   params.digit_duplicate_window);
    if (!made) return made.error();
    digits = std::move(*made);
  }
  std::unique_ptr<SrtpSession> srtp;
  if (params.srtp) {
    auto made = SrtpSession::create(*params.srtp);
    if (!made) return made.error();
    srtp = std::move(*made);
  }

  if (codec_changed) {
    encoder_ = std::move(*encoder);
    decoder_ = std::move(*decoder);
    sent_decoder_ = std::move(*sent_decoder);
    if (auto law = g711_law(params.codec)) {
      silence_.fill(g711_silence(*law));
    } else {
      std::array<std::int16_t, kFrameSamples> zeros{};
      encoder_->encode(zeros, silence_);
      encoder_->encode(zeros, silence_);
      // The encoder's state now follows silence; restart it so audio starts clean.
      if (auto fresh = AudioEncoder::create(params.codec)) encoder_ = std::move(*fresh);
    }
    next_audio_timestamp_.reset();
  }
  if (digits) digits_in_ = std::move(*digits);
  // Keys move into libsrtp; a re-offer without SRTP (allowed by an optional policy) ends it.
  srtp_ = std::move(srtp);
  const bool moved = !(params.remote == signalled_remote_);
  signalled_remote_ = params.remote;
  const io::Endpoint latched = params_.remote;
  const io::Endpoint rtcp_latched = rtcp_remote_;
  const bool was_latched = latched_;
  const bool was_rtcp_latched = rtcp_latched_;
  params_ = params;
  params_.srtp.reset();
  if (moved || params.remote_rtcp) {
    // The peer said where to send now: latching to the source starts over.
    latched_ = false;
    rtcp_latched_ = false;
    rtcp_remote_ = params_.remote_rtcp.value_or(params_.remote);
    if (!params_.remote_rtcp) {
      if (auto next = io::Endpoint::parse(params_.remote.host(),
                                          static_cast<std::uint16_t>(params_.remote.port() + 1)))
        rtcp_remote_ = *next;
    }
  } else {
    // Same address as before: keep sending where the media really comes from (NAT).
    params_.remote = latched;
    latched_ = was_latched;
    rtcp_remote_ = rtcp_latched;
    rtcp_latched_ = was_rtcp_latched;
  }
  // A resumed stream gets the whole inactivity timeout again.
  last_received_ = loop_.now();
  inactive_reported_ = false;
  return Ok{};
}

const std::uint8_t* MediaSession::transcode(const SharedPrompt& prompt, const std::uint8_t* frame,
                                            std::span<std::uint8_t> out) {
  if (!transcoder_ || transcoder_codec_ != prompt->codec) {
    auto made = AudioDecoder::create(prompt->codec);
    if (!made) return silence_.data();
    transcoder_ = std::move(*made);
    transcoder_codec_ = prompt->codec;
  }
  std::array<std::int16_t, kFrameSamples> pcm{};
  std::size_t n = transcoder_->decode(std::span<const std::uint8_t>(frame, kFrameSamples), pcm);
  if (n != kFrameSamples || !encoder_) return silence_.data();
  encoder_->encode(pcm, out);
  return out.data();
}

}  // namespace keyline::media
