#include "sip/server_transaction.h"

#include <algorithm>

namespace keyline::sip {

ServerTransaction::ServerTransaction(TransactionEnv& env, TransactionId id, std::string key,
                                     const Message& request, Peer peer)
    : env_(env),
      id_(id),
      key_(std::move(key)),
      peer_(std::move(peer)),
      invite_(request.method == "INVITE"),
      state_(invite_ ? State::kProceeding : State::kTrying),
      interval_(env.config.t1),
      timers_(env, id) {}

void ServerTransaction::start(const Message& request) {
  if (!invite_ || env_.config.trying_delay.count() == 0) return;
  request_for_trying_ = request;
  timers_.arm(TxTimer::kTrying, env_.config.trying_delay);
}

void ServerTransaction::after_tu(const Message& request) {
  if (!invite_ || env_.config.trying_delay.count() != 0) return;
  // A TU that rejected at once (420, 481, 404...) needs no 100 before it.
  if (state_ == State::kProceeding && last_response_.empty())
    send(make_response(request, 100).serialize());
}

void ServerTransaction::send(std::string bytes) {
  last_response_ = std::move(bytes);
  env_.sink.send_raw(last_response_, peer_);
}

void ServerTransaction::send_trying() {
  timers_.cancel(TxTimer::kTrying);
  if (request_for_trying_) send(make_response(*request_for_trying_, 100).serialize());
  request_for_trying_.reset();
}

void ServerTransaction::linger(Millis delay) {
  timers_.cancel_all();
  if (delay.count() == 0) {
    state_ = State::kTerminated;
    return;
  }
  timers_.arm(TxTimer::kLinger, delay);
}

void ServerTransaction::on_retransmission() {
  switch (state_) {
    case State::kProceeding:
      // A retransmitted INVITE means the peer waits: don't hold the 100 back.
      if (last_response_.empty() && invite_) {
        send_trying();
        return;
      }
      [[fallthrough]];
    case State::kCompleted:
      if (!last_response_.empty()) env_.sink.send_raw(last_response_, peer_);
      return;
    default:
      return;  // Trying (no response yet), Confirmed, Accepted: absorbed
  }
}

bool ServerTransaction::on_ack() {
  if (!invite_) return false;
  if (state_ == State::kCompleted) {
    state_ = State::kConfirmed;
    linger(peer_.reliable() ? Millis(0) : env_.config.t4);  // Timer I
    return false;
  }
  return state_ == State::kAccepted;
}

bool ServerTransaction::respond(const Message& response) {
  int status = response.status;
  if (status < 100 || status > 699) return false;
  if (invite_) {
    if (state_ == State::kAccepted && status >= 200 && status < 300) {
      send(response.serialize());  // the TU retransmitting its 2xx (RFC 6026 8.5)
      return true;
    }
    if (state_ != State::kProceeding) return false;
    request_for_trying_.reset();
    timers_.cancel(TxTimer::kTrying);
    send(response.serialize());
    if (status < 200) return true;
    if (status < 300) {
      state_ = State::kAccepted;
      timers_.arm(TxTimer::kTimeout, env_.config.t1 * 64);  // Timer L
      return true;
    }
    state_ = State::kCompleted;
    interval_ = env_.config.t1;
    if (!peer_.reliable()) timers_.arm(TxTimer::kRetransmit, interval_);  // Timer G
    timers_.arm(TxTimer::kTimeout, env_.config.t1 * 64);                  // Timer H
    return true;
  }
  if (state_ != State::kTrying && state_ != State::kProceeding) return false;
  send(response.serialize());
  if (status < 200) {
    state_ = State::kProceeding;
    return true;
  }
  state_ = State::kCompleted;
  linger(peer_.reliable() ? Millis(0) : env_.config.t1 * 64);  // Timer J
  return true;
}

bool ServerTransaction::on_timer(TxTimer slot) {
  timers_.fired(slot);
  switch (slot) {
    case TxTimer::kTrying:
      if (state_ == State::kProceeding && last_response_.empty()) send_trying();
      return false;
    case TxTimer::kRetransmit:  // G
      if (state_ != State::kCompleted) return false;
      env_.sink.send_raw(last_response_, peer_);
      interval_ = std::min(interval_ * 2, env_.config.t2);
      timers_.arm(TxTimer::kRetransmit, interval_);
      return false;
    case TxTimer::kTimeout: {  // H in Completed, L in Accepted
      bool no_ack = state_ == State::kCompleted;
      timers_.cancel_all();
      state_ = State::kTerminated;
      return no_ack;
    }
    case TxTimer::kLinger:  // I, J
      state_ = State::kTerminated;
      return false;
  }
  return false;
}

}  // namespace keyline::sip
