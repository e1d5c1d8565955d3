// Internal to the user agent (user_agent*.cc): one call's dialog and
// transaction state. Not for the UA's owners, who see only CallHandle.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sip/headers.h"
#include "sip/sip_resolver.h"
#include "sip/uri.h"
#include "sip/user_agent.h"

namespace keyline::sip {

struct UserAgent::Call {
  enum class State {
    kIncoming,     // UAS: INVITE received, no final response yet
    kAnswered,     // UAS: 2xx sent, waiting for ACK
    kCalling,      // UAC: INVITE sent
    kProceeding,   // UAC: provisional received
    kCancelling,   // UAC: CANCEL asked for, waiting for the final response
    kConfirmed,    // dialog established
    kTerminating,  // BYE sent, or a final error sent / received
  };
  CallHandle handle = 0;
  bool uas = true;
  State state = State::kIncoming;
  bool ended = false;          // on_ended has been fired
  bool bye_after_ack = false;  // hung up before the ACK: BYE waits for it (RFC 3261 15)
  HeaderList bye_headers;      // added to our BYE (hangup with headers: transfer by hang-up)
  bool sips = false;           // the dialog's Request-URI was sips: (TLS end to end)
  int auth_attempts = 0;       // UAC: INVITEs re-sent with credentials
  Peer peer;
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  std::string local_header;   // our From (UAC) or To (UAS) header value, with tag
  std::string remote_header;  // theirs
  std::string remote_target;
  std::vector<std::string> route_set;
  std::uint32_t local_cseq = 0;
  Message invite;  // UAS: the INVITE received; UAC: the INVITE sent
  TransactionId invite_tx = 0;
  TransactionId bye_tx = 0;
  std::string local_sdp;
  std::string answer_bytes;  // UAS: our 2xx, retransmitted until the ACK
  std::string ack_bytes;     // UAC: our ACK, repeated for each retransmitted 2xx
  TimerHandle retransmit_timer = 0;
  TimerHandle give_up_timer = 0;
  TimerHandle no_answer_timer = 0;
  Millis interval{0};
  // REFER (user_agent_refer.cc): our REFER in flight.
  TransactionId refer_tx = 0;
  HeaderList extra_headers;  // UAC: sent with the INVITE (and its authenticated retry)

  // Offer/answer inside the dialog (user_agent_reinvite.cc).
  std::uint32_t remote_cseq = 0;  // the highest CSeq of the peer's requests so far
  // Their re-INVITE whose 2xx waits for its ACK (0: none); CSeq of that re-INVITE.
  TransactionId reinvite_tx = 0;
  std::uint32_t reinvite_cseq = 0;
  // The 2xx waiting for its ACK carries our offer (late offer, re-INVITE without SDP): the
  // ACK brings the answer.
  bool offer_in_2xx = false;
  // Our own refresh in flight (a session-timer UPDATE or re-INVITE): a re-INVITE from the
  // peer meanwhile is glare (491).
  TransactionId refresh_tx = 0;
  bool refresh_is_invite = false;
  bool refresh_with_invite = false;  // the peer refused UPDATE (405/501): refresh by re-INVITE

  // RFC 3262 reliable provisionals (user_agent_prack.cc).
  bool peer_100rel = false;          // UAS: the INVITE said Supported or Require: 100rel
  std::uint32_t rseq = 0;            // UAS: RSeq of our last reliable provisional
  bool provisional_unacked = false;  // UAS: that provisional waits for its PRACK
  Message reliable_provisional;      // UAS: ... and is retransmitted until then
  TimerHandle provisional_timer = 0;
  TimerHandle provisional_give_up = 0;
  Millis provisional_interval{0};
  bool answer_queued = false;  // UAS: answer() came before the PRACK; the 2xx waits for it
  std::string queued_sdp;
  std::string prack_tag;         // UAC: the early dialog whose reliable 18x we PRACKed last
  std::uint32_t prack_rseq = 0;  // UAC: ... and its RSeq
  TransactionId prack_tx = 0;    // UAC: our PRACK in flight

  // 3xx (user_agent_redirect.cc): UAC targets from redirects not yet tried (best first),
  // those tried (the first Request-URI included), how many new INVITEs they cost.
  std::vector<std::string> redirect_targets;
  std::vector<std::string> tried_targets;
  int redirects = 0;
  bool via_proxy = false;  // the INVITE went to a next hop other than its Request-URI's host
  // RFC 3263 (user_agent_targets.cc): the resolved targets not yet tried, best first.
  std::vector<SipTarget> failover;

  // A REFER received and accepted (user_agent_refer_in.cc): its subscription is active, and
  // its CSeq names it in our NOTIFYs (Event: refer;id=).
  bool refer_in_active = false;
  std::uint32_t refer_in_cseq = 0;

  // RFC 4028 (session_timer.cc).
  SessionTimerDecision session_timer;
  TimerHandle session_timer_handle = 0;
};

// The methods we accept (Allow).
inline constexpr std::string_view kUaAllow =
    "INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, UPDATE, INFO, PRACK, REFER";

// The option tags we implement (Supported; a Require naming only these is served).
inline constexpr std::string_view kUaSupported = "100rel, timer";

// The INVITE says Supported or Require: 100rel (user_agent_prack.cc).
bool wants_reliable_provisionals(const Message& invite);

// The sip:/sips: Contacts of a 3xx, highest q first (user_agent_redirect.cc).
std::vector<std::string> redirect_contacts(const Message& response);

// Methods we recognise but do not accept (405) as opposed to unknown ones (501).
bool is_known_method(std::string_view m);

// The tag parameter of a From or To header value ("" when there is none).
std::string tag_of(std::optional<std::string_view> header_value);

// How calls are found by dialog: Call-ID and our own tag.
std::string dialog_key(std::string_view call_id, std::string_view local_tag);

// Small readers shared by the user agent's files.
inline std::uint32_t cseq_number(const Message& m) {
  auto c = m.header("CSeq");
  if (!c) return 0;
  auto parsed = parse_cseq(*c);
  return parsed ? parsed->number : 0;
}

inline std::string cseq_method(const Message& m) {
  auto c = m.header("CSeq");
  if (!c) return {};
  auto parsed = parse_cseq(*c);
  return parsed ? parsed->method : std::string();
}

// The URI inside a Contact header value, for the remote target.
inline std::string contact_uri(const Message& m) {
  auto values = m.header_values("Contact");
  if (values.empty()) return {};
  auto na = parse_name_addr(values.front());
  if (!na) return {};
  return na->uri.to_string();
}

}  // namespace keyline::sip
