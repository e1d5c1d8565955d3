// The SIP user agent: INVITE sessions as UAS (inbound calls) and UAC (the
// test phone, later outbound calls) on top of the transaction layer. What
// stays here is what RFC 3261 gives the TU: dialogs, 2xx retransmission until
// ACK and the ACK for a 2xx (13.3.1.4, 13.2.2.4), BYE after 64*T1 without
// ACK, CANCEL → 487, BYE either side, OPTIONS, 405/501/416/420/481. The
// transactions (retransmissions, absorbing retransmitted requests, ACK for
// non-2xx, CANCEL matching, Timers A–M) live in transaction_layer.h.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/log.h"
#include "io/event_loop.h"
#include "sip/message.h"
#include "sip/peer.h"
#include "sip/session_timer.h"
#include "sip/timer_service.h"
#include "sip/transaction.h"
#include "sip/transaction_layer.h"
#include "sip/transport.h"
#include "sip/uri.h"

namespace keyline::sip {

class TargetResolver;  // sip/async_resolver.h
struct SipTarget;      // sip/sip_resolver.h

using CallHandle = std::uint64_t;

enum class EndReason {
  kRemoteBye,       // the peer sent BYE
  kLocalBye,        // we sent BYE
  kCancelled,       // CANCEL before answer (either side)
  kAckTimeout,      // our 2xx was never acknowledged
  kRejected,        // we answered with a final error response
  kFailed,          // UAC: the peer answered with a final error (status given)
  kTimeout,         // UAC: no final response in time
  kSessionExpired,  // RFC 4028: the session timer ran out without a refresh (we sent BYE)
};
std::string_view end_reason_name(EndReason reason);

struct UaConfig {
  std::string contact_user = "keyline";
  std::string user_agent = "Keyline/0.1";
  Millis t1{500};
  Millis t2{4000};
  Millis t4{5000};
  // See TransactionConfig::trying_delay.
  Millis trying_delay{0};
  // UAC: credentials to answer a 401/407 to our INVITE with (digest, once
  // per challenge; again only when the server says the nonce was stale).
  std::string auth_user;
  std::string auth_password;
  // RFC 4028 session timers for the calls we answer (session_timer.h).
  SessionTimerSettings session_timer;
  // Makes the Call-ID of each call we place; unset: a random token "@keyline". A server with
  // several workers makes ones whose dispatch (by Call-ID) comes back to this user agent.
  std::function<std::string()> new_call_id;
};

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// How our REFER (RFC 3515) is going: the REFER's own final response, then the NOTIFYs of the
// implicit subscription, each carrying the status line of the transferee's INVITE
// (message/sipfrag). `final` is set when the subscription ended (Subscription-State:
// terminated) or the REFER itself failed.
struct ReferEvent {
  enum class Kind { kResponse, kNotify } kind = Kind::kResponse;
  int status = 0;  // the REFER's response status, or the sipfrag's status (0: unreadable)
  bool final = false;
};

// What an admission check (access policy, digest authentication) answers
// a new INVITE with instead of creating a call: a final response and the
// extra headers it carries (WWW-Authenticate, Retry-After).
// What the owner answers an offer inside the dialog with (user_agent_reinvite.cc): the SDP
// for the 2xx (our answer, or our offer when the request had none), or a status >= 300 that
// rejects the request and leaves the session as it was (488: the offer is not acceptable).
// Status 0: no change; our last SDP goes back as it was.
struct SdpReply {
  int status = 200;
  std::string sdp;
};

// A REFER the peer sent in an established dialog (RFC 3515; user_agent_refer_in.cc).
struct IncomingRefer {
  std::string refer_to;          // the URI of Refer-To (its URI headers included)
  std::string referred_by;       // the Referred-By header value (RFC 3892), empty when absent
  bool no_subscription = false;  // Refer-Sub: false (RFC 4488): no NOTIFYs wanted
};

struct Admission {
  int status = 403;
  std::vector<std::pair<std::string, std::string>> headers;
};

// The address our Via and Contact headers name.
struct LocalAddress {
  std::string host;
  std::uint16_t port = 0;
  std::uint16_t tls_port = 0;  // 0: no TLS listener (outgoing TLS uses `port` in Via)
};

class UserAgent final : private TransactionUser {
 public:
  struct Handlers {
    // UAS: runs first for each request outside a dialog (not for
    // retransmissions, ACK or CANCEL); a value is sent as the final response
    // and no call state is created.
    std::function<std::optional<Admission>(const Message& request, const Peer& from)> admit;
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
    // Our REFER's progress (refer()); called from the UA's message handling.
    std::function<void(CallHandle, const ReferEvent&)> on_refer;

    // ---- Offer/answer inside the dialog (user_agent_reinvite.cc) ----
    // The peer's offer in a re-INVITE or UPDATE; an empty `offer` is a re-INVITE without SDP,
    // which asks for our offer (the answer then arrives through on_ack_answer). Unset: the
    // session is kept and our last SDP goes back unchanged.
    std::function<SdpReply(CallHandle, std::string_view offer)> on_offer;
    // The ACK for a 2xx that carried our offer (a late-offer INVITE, or a re-INVITE without
    // SDP): its body is the answer, empty when the peer gave none (the owner hangs up).
    std::function<void(CallHandle, std::string_view answer)> on_ack_answer;
    // INFO in the dialog (DTMF): returns the response status (200, 415, ...). Unset: 200.
    std::function<int(CallHandle, const Message& info)> on_info;
    // A REFER in an established dialog: returns 202 to accept it (then the owner reports the
    // new call's progress with notify_refer()) or an error status (403, 603, ...). Unset:
    // 603 Decline.
    std::function<int(CallHandle, const IncomingRefer&)> on_refer_received;
  };

  // On a worker: timers from the loop, bytes to the transport.
  UserAgent(io::EventLoop& loop, Transport& transport, UaConfig config, Handlers handlers,
            Logger& logger, IdGenerator& ids);
  // With injected time and output (tests, or another runtime).
  UserAgent(TimerService& timers, TransportSink& sink, LocalAddress local, UaConfig config,
            Handlers handlers, Logger& logger, IdGenerator& ids);
  ~UserAgent() override;

  // Hook for Transport's MessageHandler.
  void on_message(Message message, const Peer& from);

  // UAS
  void ringing(CallHandle call);
  void answer(CallHandle call, const std::string& sdp);
  void reject(CallHandle call, int status);

  // UAC: send an INVITE with an SDP offer to `to` over `peer`.
  // `headers` are added as they are (the caller checks names and values).
  // A `peer` without an endpoint (a host name in the URI, no outbound proxy): the UA finds the
  // targets by RFC 3263 (user_agent_targets.cc) and fails over to the next one on 503, a
  // timeout or a transport error; `peer.kind` other than UDP asks for that transport when the
  // URI names none.
  Result<CallHandle> invite(const std::string& request_uri, const std::string& from_uri,
                            const Peer& peer, const std::string& sdp,
                            const HeaderList& headers = {});

  // Blind transfer (user_agent_refer.cc): a REFER in the established dialog asking the peer
  // to call `refer_to`; `headers` travel as headers of that URI (RFC 3261 19.1.1), so the
  // peer copies them into its INVITE. Progress arrives through Handlers::on_refer. Fails when
  // the call is not established or a REFER is already in flight.
  Status refer(CallHandle call, const std::string& refer_to, const HeaderList& headers = {});

  // The progress of the call a REFER we accepted asked for (on_refer_received): a NOTIFY with
  // `status` as message/sipfrag; a final one (or any status >= 200) ends the subscription.
  // Fails when no accepted REFER awaits news on this call.
  Status notify_refer(CallHandle call, int status, bool final);

  // An INFO in the established dialog (SIP INFO DTMF: application/dtmf-relay). Fails when the
  // call is not established.
  // `headers` are added as they are (the caller checks names and values); with no body,
  // `content_type` may be empty.
  Status send_info(CallHandle call, const std::string& content_type, const std::string& body,
                   const HeaderList& headers = {});

  // Ends the call whatever its state: BYE when answered, CANCEL (UAC) or 480
  // (UAS) before.
  // `bye_headers` go on the BYE (the caller checks them): a transfer by hang-up names the
  // target there.
  void hangup(CallHandle call, const HeaderList& bye_headers = {});

  // Out-of-dialog requests the owner makes (REGISTER: registration.h; user_agent_request.cc):
  // the UA adds Via, Max-Forwards and User-Agent and runs the transaction; `on_final` gets
  // the final response, or the 408/503 the transaction layer makes up for silence or a
  // transport error. Provisional responses are not passed on.
  // A `to` without an endpoint: the Request-URI's host is resolved as for invite() (the
  // TransactionId is then 0), and a 503 or 408 moves on to the next target.
  using FinalResponse = std::function<void(const Message& response)>;
  Result<TransactionId> send_request(Message request, const Peer& to, FinalResponse on_final);

  // RFC 3263 look-ups for host names. The loop constructor makes its own (res_nquery on a
  // thread); with the other one there is none until this is called (tests).
  void set_resolver(TargetResolver* resolver) { resolver_ = resolver; }
  // The Contact header value this UA gives `peer` for the user part `user`.
  std::string contact(const Peer& peer, std::string_view user) const;

  std::size_t active_calls() const;
  // Live transactions, for tests and load reports.
  std::size_t transactions() const { return layer_.size(); }

 private:
  struct Call;
  using CallPtr = std::unique_ptr<Call>;

  // TransactionUser
  void on_request(TransactionId tx, const Message& request, const Peer& from) override;
  void on_cancel(TransactionId cancel, TransactionId invite, const Message& request,
                 const Peer& from) override;
  void on_ack(const Message& ack, const Peer& from) override;
  void on_response(TransactionId tx, const Message& response, ResponseOrigin origin) override;
  void on_stray_response(const Message& response, const Peer& from) override;
  void on_ack_timeout(TransactionId tx) override;

  bool on_request_response(TransactionId tx, const Message& response);  // send_request()'s
  void on_new_invite(TransactionId tx, const Message& invite, const Peer& from);
  void on_in_dialog(Call& call, TransactionId tx, const Message& request, const Peer& from);
  void on_invite_response(Call& call, const Message& response, ResponseOrigin origin);
  bool retry_with_credentials(Call& call, const Message& response);
  // REFER (user_agent_refer.cc).
  void on_refer_response(Call& call, const Message& response);
  void on_notify(Call& call, TransactionId tx, const Message& request);
  // REFER received (user_agent_refer_in.cc).
  void on_refer_request(Call& call, TransactionId tx, const Message& request);
  void send_refer_notify(Call& call, int status, bool final);
  // re-INVITE, UPDATE and INFO as UAS (user_agent_reinvite.cc).
  void on_reinvite(Call& call, TransactionId tx, const Message& request, const Peer& from);
  void on_update(Call& call, TransactionId tx, const Message& request, const Peer& from);
  void on_info(Call& call, TransactionId tx, const Message& request);
  // RFC 3262 reliable provisional responses (user_agent_prack.cc).
  // UAS: sends `response` (a 101-199) reliably: Require: 100rel, RSeq, retransmitted with T1
  // doubling until the PRACK; 500 for the INVITE after 64*T1 without one.
  void send_reliable_provisional(Call& call, Message response);
  void stop_reliable_provisional(Call& call);
  void on_prack(Call& call, TransactionId tx, const Message& request);
  // UAC: a reliable provisional to our INVITE gets its PRACK; false for a repeated or
  // out-of-order one, which is not passed on (RFC 3262 4).
  bool accept_provisional(Call& call, const Message& response);
  // 3xx (user_agent_redirect.cc): a new INVITE to the next target of the redirects so far;
  // false when none is left (the failure is then the call's).
  bool follow_redirect(Call& call, const Message& response);
  std::optional<Peer> redirect_peer(const Call& call, const Uri& target) const;
  // RFC 3263 targets (user_agent_targets.cc).
  Result<CallHandle> invite_by_name(const std::string& request_uri, const Uri& target,
                                    const std::string& from_uri, TransportKind kind,
                                    const std::string& sdp, const HeaderList& headers);
  // Looks `target` up and sends the call's INVITE to the first answer, keeping the rest for
  // fail_over(); the call ends with 503 when nothing resolves.
  void resolve_then_invite(Call& call, const Uri& target, TransportKind kind);
  // A new INVITE transaction to call.peer, call.remote_target (with an answer to a challenge).
  bool send_invite(Call& call, const std::pair<std::string, std::string>* authorization = nullptr);
  bool fail_over(Call& call, const Message& response, ResponseOrigin origin);
  struct NamedRequest;
  Result<TransactionId> send_request_by_name(Message request, TransportKind kind,
                                             FinalResponse on_final);
  void try_next_target(const std::shared_ptr<NamedRequest>& request);
  // The ACK for the 2xx to a re-INVITE (state kConfirmed); false when it is not that ACK.
  bool on_reinvite_ack(Call& call, const Message& ack);
  // Returns the status to refuse an in-dialog offer with (491 or 500), or 0 to go ahead.
  int offer_conflict(const Call& call, bool invite) const;
  void respond_retry_later(TransactionId tx, const Message& request);
  // RFC 4028 (session_timer.cc): reads Session-Expires/Min-SE of a request we answer with a
  // 2xx; false after answering 422 (interval too small).
  bool negotiate_session_timer(Call& call, TransactionId tx, const Message& request);
  void add_session_timer_headers(const Call& call, Message& response) const;
  void arm_session_timer(Call& call);
  void on_session_timer(CallHandle handle);
  void send_refresh(Call& call);
  void on_refresh_response(Call& call, const Message& response);

  void respond(TransactionId tx, const Message& request, int status, std::string_view to_tag = {});
  void final_uas(Call& call, int status);
  void send_bye(Call& call);
  void send_ack(Call& call, const Message& response);
  Message new_request(Call& call, std::string_view method);
  std::string via(const Peer& peer);
  // sips: dialogs get a sips: Contact (RFC 5630 4.1), other TLS ones
  // transport=tls, so the peer's in-dialog requests come back over TLS.
  std::string contact_for(const Peer& peer, bool sips) const;
  std::uint16_t port_for(const Peer& peer) const;

  // The 2xx retransmission of RFC 3261 13.3.1.4: T1, 2T1, ... capped at T2,
  // until the ACK; after 64*T1 the session is torn down with BYE.
  void start_2xx_retransmit(Call& call);
  void stop_2xx_retransmit(Call& call);
  void end(Call& call, EndReason reason, int status);
  void forget_later(CallHandle handle);
  void forget(CallHandle handle);
  Call* find(CallHandle handle);
  Call* find_dialog(std::string_view call_id, std::string_view local_tag);
  Call* find_by_transaction(TransactionId tx);

  // Set only by the loop constructor; declared first so timers_ can refer to it.
  std::unique_ptr<TimerService> own_timers_;
  std::unique_ptr<TargetResolver> own_resolver_;
  TargetResolver* resolver_ = nullptr;
  TimerService& timers_;
  TransportSink& sink_;
  LocalAddress local_;
  UaConfig config_;
  std::uint32_t retry_after_seed_ = 0;  // varies Retry-After (RFC 3261 14.2: 0-10 s)
  Handlers handlers_;
  Logger& logger_;
  IdGenerator& ids_;
  TransactionLayer layer_;
  CallHandle next_handle_ = 1;
  std::map<CallHandle, CallPtr> calls_;
  // Calls in calls_ not yet ended: active_calls() is asked on every request, so it is kept,
  // not counted.
  std::size_t unended_calls_ = 0;
  std::map<std::string, CallHandle> by_dialog_;                   // call-id|local-tag
  std::unordered_map<TransactionId, CallHandle> by_transaction_;  // INVITE (either role), BYE
  std::unordered_map<TransactionId, FinalResponse> requests_;  // send_request()'s, by transaction
  // Callbacks posted to the loop check this, as the UA may be gone by then.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace keyline::sip
