// RFC 4028 session timers, the pure part: what a request's Session-Expires, Min-SE and
// Supported/Require ask for, and what we answer. The user agent (session_timer.cc) applies the
// decision to a dialog: it refreshes at half the interval when we are the refresher, and sends
// BYE when the peer is and no refresh came in time (dead peer detection).
#pragma once

#include <optional>
#include <string>

#include "sip/message.h"

namespace keyline::sip {

struct SessionTimerSettings {
  bool enabled = true;
  int session_expires_s = 1800;  // what we ask for when the peer names nothing
  int min_se_s = 90;             // the smallest interval we accept (RFC 4028: at least 90)
};

enum class Refresher { kPeer, kUs };

struct SessionTimerDecision {
  // 422 Session Interval Too Small, with Min-SE: min_se_s.
  bool too_small = false;
  int min_se_s = 0;
  // When active, the 2xx carries Session-Expires: interval_s;refresher=...
  bool active = false;
  int interval_s = 0;
  Refresher refresher = Refresher::kPeer;
  // The peer supports "timer": the 2xx carries Require: timer (RFC 4028 9).
  bool peer_supports = false;
};

// Decides for a request we answer (an INVITE, a re-INVITE or an UPDATE): in it "uac" names the
// peer, "uas" us. A Session-Expires below our Min-SE (or the request's own Min-SE, whichever is
// larger) is too small. Without Session-Expires we start a timer only when the peer supports
// "timer" (it then refreshes); a peer that knows nothing of timers gets none, and its dead
// calls end through the RTP inactivity timeout instead.
SessionTimerDecision decide_session_timer(const Message& request,
                                          const SessionTimerSettings& settings);

// "1800;refresher=uac" for the 2xx.
std::string session_expires_value(const SessionTimerDecision& decision);

// RFC 4028 10: without a refresh, the side that is not the refresher sends BYE at
// interval - min(32, interval/3) seconds; the refresher refreshes at half the interval.
int refresh_after_s(int interval_s);
int expire_after_s(int interval_s);

}  // namespace keyline::sip
