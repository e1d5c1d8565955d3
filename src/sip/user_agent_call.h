// Internal to the user agent (user_agent.cc, user_agent_refer.cc): one call's dialog and
// transaction state. Not for the UA's owners, who see only CallHandle.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
};

}  // namespace keyline::sip
