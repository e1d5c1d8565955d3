#include "server/transfer_leg.h"

#include "sdp/negotiation.h"
#include "server/negotiated_stream.h"

namespace keyline::server {

using Outcome = flow::TransferResult::Outcome;

Result<std::unique_ptr<TransferLeg>> TransferLeg::start(Context ctx, const TransferDestination& to,
                                                        const flow::TransferRequest& request,
                                                        const std::string& from_uri,
                                                        media::MediaSession& caller, Done done) {
  std::unique_ptr<TransferLeg> leg(new TransferLeg(ctx, request, caller, std::move(done)));
  auto media = media::MediaSession::create(ctx.loop, ctx.media, ctx.ids);
  if (!media) return media.error();
  leg->media_ = std::move(*media);
  sdp::LocalMedia local;
  local.address = ctx.media.bind_host;
  local.rtp_port = leg->media_->local_port();
  local.session_id = ctx.ids.u32();
  // G.711 both ways: the relay decodes and re-encodes, so either law works against any
  // caller codec.
  local.codecs = {sdp::Codec::kPcmu, sdp::Codec::kPcma};
  leg->offer_ = sdp::make_offer(local);
  sip::Peer peer{sip::TransportKind::kUdp, to.next_hop, {}};
  auto handle = ctx.ua.invite(to.uri, from_uri, peer, sdp::serialize(leg->offer_), request.headers);
  if (!handle) return handle.error();
  leg->handle_ = *handle;
  ctx.router.add(leg->handle_, leg.get());
  std::weak_ptr<bool> alive = leg->alive_;
  TransferLeg* raw = leg.get();
  leg->timer_ = ctx.loop.add_timer(request.timeout, [raw, alive] {
    if (alive.expired()) return;
    raw->timer_ = 0;
    if (raw->answered_ || raw->reported_) return;
    raw->timed_out_ = true;
    raw->ctx_.logger.info("call", raw->ctx_.call_id + " transfer: no answer in time, CANCEL");
    raw->ctx_.ua.hangup(raw->handle_);  // CANCEL; the 487 ends the leg
  });
  ctx.logger.info("call", ctx.call_id + " transfer " + request.module + ": INVITE to " +
                              to.next_hop.to_string());
  return leg;
}

TransferLeg::TransferLeg(Context ctx, const flow::TransferRequest& request,
                         media::MediaSession& caller, Done done)
    : ctx_(std::move(ctx)), request_(request), caller_(caller), done_(std::move(done)) {}

TransferLeg::~TransferLeg() {
  *alive_ = false;
  if (timer_) ctx_.loop.cancel_timer(timer_);
  if (handle_) {
    ctx_.router.remove(handle_);
    ctx_.ua.hangup(handle_);  // BYE, or CANCEL while it rings; no-op once it ended
  }
}

void TransferLeg::relay_from_caller(std::span<const std::int16_t> pcm) {
  if (answered_ && media_) media_->push_live_audio(pcm);
}

void TransferLeg::relay_digit(char digit) {
  if (answered_ && media_) media_->send_digit(digit);
}

void TransferLeg::tick() {
  if (answered_ && media_) media_->tick();
}

double TransferLeg::talk_seconds() const {
  if (!answered_) return 0;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - answered_at_).count();
}

void TransferLeg::on_leg_provisional(const sip::Message& response) {
  ctx_.logger.debug("call", ctx_.call_id + " transfer: " + std::to_string(response.status));
}

void TransferLeg::on_leg_answered(const sip::Message& response) {
  if (reported_ || timed_out_) {
    ctx_.ua.hangup(handle_);
    return;
  }
  auto answered = stream_from_answer(offer_, response.body);
  if (!answered) {
    ctx_.ua.hangup(handle_);
    flow::TransferResult r;
    r.status = 488;
    r.error = "the far end's SDP answer is unusable";
    report(r);
    return;
  }
  media::StreamParams stream = std::move(answered->stream);
  media::MediaSession::Handlers handlers;
  // The far end's audio goes to the caller as it comes.
  handlers.on_audio = [this](std::span<const std::int16_t> pcm) { caller_.push_live_audio(pcm); };
  auto started = media_->start(stream, std::move(handlers));
  if (!started) {
    ctx_.ua.hangup(handle_);
    flow::TransferResult r;
    r.error = "media for the transfer could not start";
    report(r);
    return;
  }
  answered_ = true;
  answered_at_ = std::chrono::steady_clock::now();
  // Post-connect keys (an extension, a conference PIN): RFC 4733 when the far end takes
  // telephone-event, tones otherwise.
  for (char key : request_.dtmf) media_->send_digit(key);
  ctx_.logger.info("call", ctx_.call_id + " transfer " + request_.module + ": answered (" +
                               std::string(sdp::codec_name(answered->negotiated.codec)) + ")");
  if (timer_) ctx_.loop.cancel_timer(timer_);
  std::weak_ptr<bool> alive = alive_;
  timer_ = ctx_.loop.add_timer(request_.max_duration, [this, alive] {
    if (alive.expired()) return;
    timer_ = 0;
    maxed_ = true;
    ctx_.logger.info("call", ctx_.call_id + " transfer: max_duration reached, BYE");
    ctx_.ua.hangup(handle_);
  });
}

void TransferLeg::on_leg_ended(sip::EndReason reason, int status) {
  flow::TransferResult r;
  r.status = status;
  if (answered_) {
    r.status = 200;
    r.duration = maxed_ ? static_cast<double>(request_.max_duration.count()) : talk_seconds();
    r.outcome = maxed_ ? Outcome::kMaxTimeDisconnect : Outcome::kFarEndDisconnect;
  } else if (timed_out_ || status == 408 || status == 480 || status == 487 ||
             reason == sip::EndReason::kCancelled) {
    r.outcome = Outcome::kNoAnswer;
  } else if (status == 486 || status == 600) {
    r.outcome = Outcome::kBusy;
  } else if (reason == sip::EndReason::kTimeout) {
    r.outcome = Outcome::kNoAnswer;  // nobody answered the INVITE at all (Timer B)
  } else {
    r.outcome = Outcome::kError;
    r.error = "the far end refused the call";
  }
  if (handle_) ctx_.router.remove(handle_);
  handle_ = 0;
  report(r);
}

void TransferLeg::report(flow::TransferResult result) {
  if (reported_) return;
  reported_ = true;
  if (timer_) ctx_.loop.cancel_timer(timer_);
  timer_ = 0;
  ctx_.logger.info("call", ctx_.call_id + " transfer " + request_.module + " ended: " +
                               std::string(flow::transfer_outcome_name(result.outcome)) +
                               (result.status ? " " + std::to_string(result.status) : ""));
  // Posted: the owner destroys the leg when it hears the result, which must not happen while
  // the UA or a timer of ours is on the stack.
  std::weak_ptr<bool> alive = alive_;
  ctx_.loop.post([alive, done = done_, result = std::move(result)] {
    if (!alive.expired()) done(result);
  });
}

}  // namespace keyline::server
