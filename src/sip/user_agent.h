// The SIP user agent: INVITE sessions as UAS (inbound calls) and UAC (the
// test phone, later outbound calls), with the RFC 3261 retransmission rules a
// walking skeleton needs: 100 Trying, 2xx retransmission until ACK, non-2xx
// retransmission until ACK, CANCEL → 487, BYE either side, OPTIONS, 405/501
// for what we do not do. Transactions live inside the dialog code for now;
// the SIP core issue splits them into their own layer.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/ids.h"
#include "base/log.h"
#include "io/event_loop.h"
#include "sip/message.h"
#include "sip/transport.h"

namespace keyline::sip {

using CallHandle = std::uint64_t;

enum class EndReason {
  kRemoteBye,   // the peer sent BYE
  kLocalBye,    // we sent BYE
  kCancelled,   // CANCEL before answer (either side)
  kAckTimeout,  // our 2xx was never acknowledged
  kRejected,    // we answered with a final error response
  kFailed,      // UAC: the peer answered with a final error (status given)
  kTimeout,     // UAC: no final response in time
};
std::string_view end_reason_name(EndReason reason);

struct UaConfig {
  std::string contact_user = "keyline";
  std::string user_agent = "Keyline/0.1";
  Millis t1{500};
  Millis t2{4000};
};

class UserAgent {
 public:
  struct Handlers {
    // UAS: a new INVITE. The owner answers with ringing()/answer()/reject().
    std::function<void(CallHandle, const Message& invite, const Peer& from)> on_incoming;
    // UAS: the ACK for our 2xx arrived.
    std::function<void(CallHandle)> on_confirmed;
    // UAC: a provisional or a 2xx response to our INVITE.
    std::function<void(CallHandle, const Message& response)> on_provisional;
    std::function<void(CallHandle, const Message& response)> on_answered;
    // Either role, exactly once per call, never from inside a UserAgent call
    // made by the owner (it is posted to the loop).
    std::function<void(CallHandle, EndReason, int status)> on_ended;
  };

  UserAgent(io::EventLoop& loop, Transport& transport, UaConfig config, Handlers handlers,
            Logger& logger, IdGenerator& ids);
  ~UserAgent();

  // Hook for Transport's MessageHandler.
  void on_message(Message message, const Peer& from);

  // UAS
  void ringing(CallHandle call);
  void answer(CallHandle call, const std::string& sdp);
  void reject(CallHandle call, int status);

  // UAC: send an INVITE with an SDP offer to `to` over `peer`.
  Result<CallHandle> invite(const std::string& request_uri, const std::string& from_uri,
                            const Peer& peer, const std::string& sdp);

  // Ends the call whatever its state: BYE when answered, CANCEL (UAC) or 480
  // (UAS) before.
  void hangup(CallHandle call);

  std::size_t active_calls() const;

 private:
  struct Call;
  using CallPtr = std::unique_ptr<Call>;

  void on_request(Message& request, const Peer& from);
  void on_response(Message& response, const Peer& from);
  void on_new_invite(Message& invite, const Peer& from);
  void on_ack(Message& ack);
  void on_cancel(Message& cancel, const Peer& from);
  void on_in_dialog(Call& call, Message& request, const Peer& from);
  void on_invite_response(Call& call, Message& response);
  void on_bye_response(Call& call, const Message& response);

  void respond(const Message& request, int status, const Peer& to, std::string_view to_tag = {});
  void send_final_uas(Call& call, Message response);
  void send_bye(Call& call);
  void send_cancel(Call& call);
  void send_ack(Call& call, const Message& response, bool for_2xx);
  Message new_request(Call& call, std::string_view method);
  std::string contact_for(const Peer& peer) const;

  // Retransmits `bytes` at T1, 2T1, ... (capped at T2 when capped) until
  // cancelled; calls on_give_up after 64*T1.
  void start_retransmit(Call& call, std::string bytes, bool capped,
                        std::function<void(Call&)> on_give_up);
  void stop_retransmit(Call& call);
  void end(Call& call, EndReason reason, int status);
  void forget_later(CallHandle handle, Millis delay);
  void forget(CallHandle handle);
  Call* find(CallHandle handle);
  Call* find_dialog(const std::string& call_id, const std::string& local_tag);

  io::EventLoop& loop_;
  Transport& transport_;
  UaConfig config_;
  Handlers handlers_;
  Logger& logger_;
  IdGenerator& ids_;
  CallHandle next_handle_ = 1;
  std::map<CallHandle, CallPtr> calls_;
  std::map<std::string, CallHandle> by_dialog_;         // call-id|local-tag
  std::map<std::string, CallHandle> by_invite_branch_;  // UAS: call-id|branch of the INVITE
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::sip
