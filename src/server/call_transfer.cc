// CallSession's Transfer module: blind by REFER in the caller's dialog, bridged by a second
// leg (server/transfer_leg.h). Results go to the interpreter once, posted, and only for the
// transfer still running.
#include "server/call_session.h"
#include "server/transfer_leg.h"
#include "server/transfer_target.h"
#include "sip/uri.h"

namespace keyline::server {

using Outcome = flow::TransferResult::Outcome;

bool CallSession::transfer(const flow::TransferRequest& request) {
  if (ended_ || !ctx_.legs || !ctx_.ids) return false;
  ++transfer_id_;
  transfer_active_ = true;
  if (request.mode == flow::TransferMode::kBlind) {
    start_blind(request);
  } else {
    start_bridged(request);
  }
  return true;
}

void CallSession::start_blind(const flow::TransferRequest& request) {
  auto to = resolve_transfer_target(request.target, ctx_.transfer, ctx_.caller_host,
                                    ctx_.caller_peer, false);
  if (!to) {
    flow::TransferResult r;
    r.error = to.error().message;
    finish_transfer(r);
    return;
  }
  auto sent = ctx_.ua.refer(handle_, to->uri, request.headers);
  if (!sent) {
    flow::TransferResult r;
    r.error = sent.error().message;
    finish_transfer(r);
    return;
  }
  blind_transfer_ = true;
  // The target is not private (the interpreter refuses private values in it), but it is
  // still a phone number: the log names the module only.
  ctx_.logger.info("call", record_.call_id + " transfer " + request.module + ": REFER sent");
  std::weak_ptr<bool> alive = alive_;
  const std::uint64_t id = transfer_id_;
  transfer_timer_ = ctx_.loop.add_timer(request.timeout, [this, alive, id] {
    if (alive.expired() || id != transfer_id_) return;
    transfer_timer_ = 0;
    flow::TransferResult r;
    r.outcome = Outcome::kNoAnswer;
    r.status = 408;
    finish_transfer(r);
  });
}

void CallSession::on_refer(const sip::ReferEvent& event) {
  if (!transfer_active_ || !blind_transfer_) return;
  flow::TransferResult r;
  r.status = event.status;
  const bool from_refer = event.kind == sip::ReferEvent::Kind::kResponse;
  if (event.status >= 100 && event.status < 200) {
    if (!event.final) return;  // "100 Trying", "180 Ringing": still going
    r.error = "the transfer subscription ended before the target answered";
  } else if (event.status >= 200 && event.status < 300) {
    if (from_refer) return;  // 202 Accepted: the NOTIFYs tell the rest
    r.outcome = Outcome::kDone;
  } else if (event.status == 486 || event.status == 600) {
    r.outcome = Outcome::kBusy;
  } else if (!from_refer && (event.status == 408 || event.status == 480 || event.status == 487)) {
    r.outcome = Outcome::kNoAnswer;
  } else if (event.status >= 300) {
    r.error = from_refer ? "the caller's phone refused the REFER"
                         : "the transfer target refused the call";
  } else {
    if (!event.final) return;  // an unreadable sipfrag that is not the last: wait
    r.error = "the transfer subscription ended without a final status";
  }
  finish_transfer(r);
}

void CallSession::start_bridged(const flow::TransferRequest& request) {
  auto to = resolve_transfer_target(request.target, ctx_.transfer, ctx_.caller_host,
                                    ctx_.caller_peer, true);
  if (!to) {
    flow::TransferResult r;
    r.error = to.error().message;
    finish_transfer(r);
    return;
  }
  // From: the module's caller id, else the caller's own address (the far end sees who is
  // calling, as with a transfer on a PBX).
  std::string from = request.caller_id;
  if (!from.empty() && from.rfind("sip:", 0) != 0 && from.rfind("sips:", 0) != 0)
    from = "sip:" + from + "@" + ctx_.media_config.bind_host;
  if (from.empty()) from = record_.from;
  if (!sip::parse_uri(from)) from = "sip:keyline@" + ctx_.media_config.bind_host;
  TransferLeg::Context leg{ctx_.loop, ctx_.ua,           *ctx_.legs,     ctx_.logger,
                           *ctx_.ids, ctx_.media_config, record_.call_id};
  std::weak_ptr<bool> alive = alive_;
  const std::uint64_t id = transfer_id_;
  auto started = TransferLeg::start(leg, *to, request, from, *media_,
                                    [this, alive, id](flow::TransferResult result) {
                                      if (alive.expired() || id != transfer_id_) return;
                                      finish_transfer(std::move(result));
                                    });
  if (!started) {
    flow::TransferResult r;
    r.error = started.error().message;
    finish_transfer(r);
    return;
  }
  transfer_leg_ = std::move(*started);
}

void CallSession::finish_transfer(flow::TransferResult result) {
  if (!transfer_active_) return;
  transfer_active_ = false;
  blind_transfer_ = false;
  if (transfer_timer_) ctx_.loop.cancel_timer(transfer_timer_);
  transfer_timer_ = 0;
  // Posted: we may be inside transfer() (the interpreter is mid-event), a UA handler or the
  // leg's own report; the leg is destroyed here, after all of those returned.
  std::weak_ptr<bool> alive = alive_;
  const std::uint64_t id = transfer_id_;
  ctx_.loop.post([this, alive, id, result = std::move(result)]() mutable {
    if (alive.expired() || id != transfer_id_) return;
    transfer_leg_.reset();
    if (interpreter_ && !ended_) interpreter_->on_transfer_result(std::move(result));
  });
}

void CallSession::cancel_transfer() {
  ++transfer_id_;  // nothing for the old transfer is delivered any more
  transfer_active_ = false;
  blind_transfer_ = false;
  if (transfer_timer_) ctx_.loop.cancel_timer(transfer_timer_);
  transfer_timer_ = 0;
  transfer_leg_.reset();  // BYE (or CANCEL) to the far end
}

}  // namespace keyline::server
