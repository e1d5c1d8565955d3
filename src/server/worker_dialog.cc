// The server's side of the dialog after the first offer/answer: offers inside the dialog
// (re-INVITE and UPDATE: hold, resume, codec change, a new address), a late offer's answer
// from the ACK, and keys sent as SIP INFO. The protocol state lives in sip::UserAgent and
// sdp::OfferAnswer; this file joins them to the call's media.
#include "privacy/redact.h"
#include "sdp/session.h"
#include "server/negotiated_stream.h"
#include "server/worker.h"
#include "sip/dtmf_info.h"

namespace keyline::server {

Result<media::StreamParams> Worker::stream_params(const sdp::NegotiatedMedia& negotiated) const {
  auto built = negotiated_stream(negotiated);
  if (!built) return built.error();
  media::StreamParams stream = std::move(*built);
  stream.dtmf_mode = config_.media.dtmf_mode;
  stream.inactivity_timeout = std::chrono::seconds(config_.media.rtp_timeout_s);
  using D = sdp::Direction;
  // "c=0.0.0.0" is the RFC 2543 way to hold a call, still sent by some peers.
  const bool held_address = negotiated.remote_address == "0.0.0.0";
  stream.sending = !held_address &&
                   (negotiated.direction == D::kSendRecv || negotiated.direction == D::kSendOnly);
  stream.receiving = !held_address &&
                     (negotiated.direction == D::kSendRecv || negotiated.direction == D::kRecvOnly);
  return stream;
}

sip::SdpReply Worker::on_offer(sip::CallHandle handle, std::string_view offer) {
  auto call = calls_.find(handle);
  auto state = offer_answer_.find(handle);
  // A bridged transfer's second leg (or a call being torn down): keep its session as it is.
  if (call == calls_.end() || state == offer_answer_.end()) return {0, {}};
  const std::string& id = call->second->call_id();
  if (offer.empty()) {
    // A re-INVITE without SDP: we offer in the 200 and the ACK answers (on_ack_answer).
    auto ours = state->second.offer();
    if (!ours) return {500, {}};
    logger_.info("call", "call " + id + " re-INVITE without SDP: offering in the 200");
    return {200, sdp::serialize(*ours)};
  }
  auto parsed = sdp::parse(offer);
  if (!parsed) {
    logger_.info("call", "call " + id + " re-offer refused (488): " + parsed.error().message);
    return {488, {}};
  }
  auto answered = state->second.answer(*parsed);
  if (!answered) {
    // RFC 3264 8: the old session stays as it was.
    logger_.info("call", "call " + id + " re-offer refused: " + answered.error().message);
    return {answered.error().kind == "sdp" ? 488 : 500, {}};
  }
  auto stream = stream_params(answered->media);
  if (!stream) return {488, {}};
  stream->dtmf_mode = call_dtmf(handle);  // the call's trunk may set its own
  if (late_offers_.count(handle)) {
    // Cannot happen through the UA (our offer is pending: 491), but stay consistent.
    call->second->set_stream(std::move(*stream));
  } else if (auto updated = call->second->update_stream(std::move(*stream)); !updated) {
    logger_.error("call", "call " + id + " media update failed: " + updated.error().message);
    return {500, {}};
  }
  return {200, sdp::serialize(answered->sdp)};
}

void Worker::on_ack_answer(sip::CallHandle handle, std::string_view answer) {
  auto call = calls_.find(handle);
  auto state = offer_answer_.find(handle);
  if (call == calls_.end() || state == offer_answer_.end()) return;
  const bool late = late_offers_.erase(handle) > 0;
  const std::string& id = call->second->call_id();
  auto hang_up = [&](const std::string& why) {
    // RFC 3261 13.2.2.4 / 14.2: an ACK without an acceptable answer ends the session.
    logger_.info("call", "call " + id + " " + why + ": hanging up");
    ua_->hangup(handle);
  };
  if (answer.empty()) return hang_up("ACK without an answer to our offer");
  auto parsed = sdp::parse(answer);
  if (!parsed) return hang_up("ACK with unparsable SDP");
  auto agreed = state->second.take_answer(*parsed);
  if (!agreed) return hang_up("ACK answer not acceptable (" + agreed.error().message + ")");
  auto stream = stream_params(*agreed);
  if (!stream) return hang_up("ACK answer has no usable address");
  stream->dtmf_mode = call_dtmf(handle);  // the call's trunk may set its own
  logger_.info("call",
               "call " + id + " media: " +
                   (agreed->srtp ? "SRTP " + std::string(sdp::suite_name(agreed->srtp->suite))
                                 : std::string("RTP (unencrypted)")) +
                   " (answer from the ACK)");
  if (late) {
    call->second->set_stream(std::move(*stream));
    call->second->on_answered();
    return;
  }
  if (auto updated = call->second->update_stream(std::move(*stream)); !updated)
    hang_up("media update failed (" + updated.error().message + ")");
}

int Worker::on_info(sip::CallHandle handle, const sip::Message& info) {
  auto call = calls_.find(handle);
  if (call == calls_.end()) return 200;  // a transfer leg's INFO: nothing to do with it
  if (info.body.empty()) return 200;     // an empty INFO (a keep-alive) is fine
  std::string_view type = info.header("Content-Type").value_or("");
  if (!sip::is_dtmf_content_type(type)) return 415;
  auto digit = sip::parse_dtmf_info(type, info.body);
  // The body is never logged here: it is the key itself.
  if (!digit) return 400;
  call->second->on_info_digit(digit->digit, std::chrono::milliseconds(digit->duration_ms));
  return 200;
}

}  // namespace keyline::server
