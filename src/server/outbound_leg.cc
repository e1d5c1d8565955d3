#include "server/outbound_leg.h"

#include "sdp/negotiation.h"
#include "server/negotiated_stream.h"

namespace keyline::server {

using outbound::AttemptOutcome;

AttemptOutcome unanswered_outcome(sip::EndReason reason, int status, bool timed_out) {
  if (status == 486 || status == 600) return AttemptOutcome::kBusy;
  if (timed_out || status == 408 || status == 480 || status == 487 ||
      reason == sip::EndReason::kCancelled || reason == sip::EndReason::kTimeout)
    return AttemptOutcome::kNoAnswer;
  return AttemptOutcome::kError;
}

Result<std::unique_ptr<OutboundLeg>> OutboundLeg::start(Context ctx, const TransferDestination& to,
                                                        const std::string& from_uri,
                                                        OnAnswered answered, OnFailed failed) {
  std::unique_ptr<OutboundLeg> leg(new OutboundLeg(ctx, std::move(answered), std::move(failed)));
  auto media = media::MediaSession::create(ctx.loop, ctx.media, ctx.ids);
  if (!media) return media.error();
  leg->media_ = std::move(*media);
  sdp::LocalMedia local;
  local.address = ctx.media.bind_host;
  local.rtp_port = leg->media_->local_port();
  local.session_id = ctx.ids.u32();
  local.codecs = {sdp::Codec::kPcmu, sdp::Codec::kPcma, sdp::Codec::kG722};
  leg->offer_ = sdp::make_offer(local);
  sip::Peer peer{sip::TransportKind::kUdp, to.next_hop, {}};
  auto handle = ctx.ua.invite(to.uri, from_uri, peer, sdp::serialize(leg->offer_), {});
  if (!handle) return handle.error();
  leg->handle_ = *handle;
  ctx.router.add(leg->handle_, leg.get());
  std::weak_ptr<bool> alive = leg->alive_;
  OutboundLeg* raw = leg.get();
  leg->timer_ = ctx.loop.add_timer(ctx.ring_timeout, [raw, alive] {
    if (alive.expired()) return;
    raw->timer_ = 0;
    if (raw->reported_) return;
    raw->timed_out_ = true;
    raw->ctx_.logger.info("outbound", raw->ctx_.call_id + ": no answer in time, CANCEL");
    raw->ctx_.ua.hangup(raw->handle_);  // CANCEL; the 487 ends the leg
  });
  ctx.logger.info("outbound", ctx.call_id + ": INVITE to " + to.next_hop.to_string());
  return leg;
}

OutboundLeg::OutboundLeg(Context ctx, OnAnswered answered, OnFailed failed)
    : ctx_(std::move(ctx)), answered_(std::move(answered)), failed_(std::move(failed)) {}

OutboundLeg::~OutboundLeg() {
  *alive_ = false;
  if (timer_) ctx_.loop.cancel_timer(timer_);
  if (handle_) {
    ctx_.router.remove(handle_);
    ctx_.ua.hangup(handle_);  // CANCEL while it rings; a no-op once it ended
  }
}

void OutboundLeg::on_leg_provisional(const sip::Message& response) {
  ctx_.logger.debug("outbound", ctx_.call_id + ": " + std::to_string(response.status));
}

void OutboundLeg::on_leg_answered(const sip::Message& response) {
  if (reported_ || timed_out_) {
    ctx_.ua.hangup(handle_);
    return;
  }
  auto answered = stream_from_answer(offer_, response.body);
  if (!answered) {
    ctx_.logger.warn("outbound", ctx_.call_id + ": the callee's SDP answer is unusable (" +
                                     answered.error().message + "), BYE");
    ctx_.ua.hangup(handle_);
    timed_out_ = true;  // the BYE's end is reported as this error, not as an answer
    fail(AttemptOutcome::kError, 488);
    return;
  }
  Answered a;
  a.handle = handle_;
  a.sip_call_id = std::string(response.header("Call-ID").value_or(""));
  a.stream = std::move(answered->stream);
  a.media = std::move(media_);
  // The call is the server's from now on: its BYE and ticks go to the call session.
  ctx_.router.remove(handle_);
  handle_ = 0;
  reported_ = true;
  if (timer_) ctx_.loop.cancel_timer(timer_);
  timer_ = 0;
  ctx_.logger.info("outbound", ctx_.call_id + ": answered (" +
                                   std::string(sdp::codec_name(answered->negotiated.codec)) + ")");
  // Not posted: a BYE arriving before the session exists would find no call. The owner must
  // not destroy the leg inside this (it defers that to the loop).
  answered_(std::move(a));
}

void OutboundLeg::on_leg_ended(sip::EndReason reason, int status) {
  if (handle_) ctx_.router.remove(handle_);
  handle_ = 0;
  fail(unanswered_outcome(reason, status, timed_out_), status);
}

void OutboundLeg::fail(AttemptOutcome outcome, int status) {
  if (reported_) return;
  reported_ = true;
  if (timer_) ctx_.loop.cancel_timer(timer_);
  timer_ = 0;
  ctx_.logger.info("outbound", ctx_.call_id + ": attempt ended: " +
                                   std::string(outbound::attempt_outcome_name(outcome)) +
                                   (status ? " " + std::to_string(status) : ""));
  std::weak_ptr<bool> alive = alive_;
  ctx_.loop.post([alive, done = failed_, outcome, status] {
    if (!alive.expired()) done(outcome, status);
  });
}

}  // namespace keyline::server
