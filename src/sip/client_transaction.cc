#include "sip/client_transaction.h"

#include <algorithm>

#include "sip/headers.h"

namespace keyline::sip {
namespace {

std::uint32_t cseq_number(const Message& m) {
  auto c = m.header("CSeq");
  if (!c) return 0;
  auto parsed = parse_cseq(*c);
  return parsed ? parsed->number : 0;
}

// The request fields a CANCEL and an ACK for a non-2xx copy from the INVITE.
Message copy_for(const Message& invite, std::string_view method, std::string_view to) {
  Message m;
  m.request = true;
  m.method = std::string(method);
  m.request_uri = invite.request_uri;
  for (auto via : invite.header_values("Via")) {
    m.add_header("Via", std::string(via));
    break;  // the top one only: it carries the INVITE's branch
  }
  m.add_header("Max-Forwards", "70");
  m.add_header("From", std::string(invite.header("From").value_or("")));
  m.add_header("To", std::string(to));
  m.add_header("Call-ID", std::string(invite.header("Call-ID").value_or("")));
  m.add_header("CSeq", std::to_string(cseq_number(invite)) + " " + std::string(method));
  for (auto route : invite.header_values("Route")) m.add_header("Route", std::string(route));
  return m;
}

}  // namespace

Message make_cancel(const Message& invite) {
  return copy_for(invite, "CANCEL", invite.header("To").value_or(""));
}

Message make_ack_for_error(const Message& invite, const Message& response) {
  return copy_for(invite, "ACK", response.header("To").value_or(""));
}

ClientTransaction::ClientTransaction(TransactionEnv& env, TransactionId id, std::string key,
                                     Message request, Peer peer)
    : env_(env),
      id_(id),
      key_(std::move(key)),
      request_(std::move(request)),
      peer_(std::move(peer)),
      invite_(request_.method == "INVITE"),
      state_(invite_ ? State::kCalling : State::kTrying),
      interval_(env.config.t1),
      timers_(env, id) {}

void ClientTransaction::start() {
  bytes_ = request_.serialize();
  if (!env_.sink.send_raw(bytes_, peer_)) {
    transport_failed_ = true;
    timers_.arm(TxTimer::kTimeout, Millis(0));
    return;
  }
  // Timer A / E: retransmissions over unreliable transports only.
  if (!peer_.reliable()) timers_.arm(TxTimer::kRetransmit, interval_);
  // Timer B / F.
  timers_.arm(TxTimer::kTimeout, env_.config.t1 * 64);
}

void ClientTransaction::send_request() { env_.sink.send_raw(bytes_, peer_); }

void ClientTransaction::complete(Millis linger) {
  timers_.cancel_all();
  if (linger.count() == 0) {
    state_ = State::kTerminated;
    return;
  }
  state_ = State::kCompleted;
  timers_.arm(TxTimer::kLinger, linger);
}

bool ClientTransaction::on_response(const Message& response) {
  int status = response.status;
  if (invite_) {
    switch (state_) {
      case State::kCalling:
      case State::kProceeding:
        if (status < 200) {
          // No more retransmissions; Timer B only runs in Calling.
          if (state_ == State::kCalling) {
            timers_.cancel(TxTimer::kRetransmit);
            timers_.cancel(TxTimer::kTimeout);
          }
          state_ = State::kProceeding;
          return true;
        }
        if (status < 300) {
          // RFC 6026: stay (Accepted) so 2xx retransmissions reach the TU,
          // which ACKs them; Timer M ends it.
          timers_.cancel_all();
          state_ = State::kAccepted;
          timers_.arm(TxTimer::kTimeout, env_.config.t1 * 64);
          return true;
        }
        ack_bytes_ = make_ack_for_error(request_, response).serialize();
        env_.sink.send_raw(ack_bytes_, peer_);
        complete(peer_.reliable() ? Millis(0) : env_.config.timer_d);
        return true;
      case State::kCompleted:
        // The peer did not get our ACK: repeat it, the TU already knows.
        if (status >= 300) env_.sink.send_raw(ack_bytes_, peer_);
        return false;
      case State::kAccepted:
        return status >= 200 && status < 300;
      default:
        return false;
    }
  }
  switch (state_) {
    case State::kTrying:
    case State::kProceeding:
      if (status < 200) {
        state_ = State::kProceeding;
        return true;
      }
      complete(peer_.reliable() ? Millis(0) : env_.config.t4);  // Timer K
      return true;
    default:
      return false;  // Completed: retransmitted finals are absorbed
  }
}

void ClientTransaction::on_cancel_sent() {
  cancel_sent_ = true;
  timers_.arm(TxTimer::kTimeout, env_.config.t1 * 64);
}

ClientTransaction::Synthesized ClientTransaction::synthesize(int status, ResponseOrigin origin) {
  timers_.cancel_all();
  state_ = State::kTerminated;
  return Synthesized{make_response(request_, status), origin};
}

std::optional<ClientTransaction::Synthesized> ClientTransaction::on_timer(TxTimer slot) {
  timers_.fired(slot);
  switch (slot) {
    case TxTimer::kRetransmit:
      if (state_ == State::kCalling) {
        send_request();
        interval_ *= 2;  // Timer A doubles without a cap (RFC 3261 17.1.1.2)
      } else if (state_ == State::kTrying) {
        send_request();
        interval_ = std::min(interval_ * 2, env_.config.t2);
      } else if (state_ == State::kProceeding && !invite_) {
        send_request();
        interval_ = env_.config.t2;  // RFC 3261 17.1.2.2: T2 once a provisional came
      } else {
        return std::nullopt;
      }
      timers_.arm(TxTimer::kRetransmit, interval_);
      return std::nullopt;
    case TxTimer::kTimeout:
      if (transport_failed_) return synthesize(503, ResponseOrigin::kTransportError);
      if (state_ == State::kAccepted) {  // Timer M
        state_ = State::kTerminated;
        return std::nullopt;
      }
      if (state_ == State::kCalling || state_ == State::kTrying || state_ == State::kProceeding) {
        return synthesize(408, ResponseOrigin::kTimeout);  // B, F, or the CANCEL wait
      }
      return std::nullopt;
    case TxTimer::kLinger:  // D, K
      state_ = State::kTerminated;
      return std::nullopt;
    case TxTimer::kTrying:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace keyline::sip
