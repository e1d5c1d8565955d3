// The local side of one call's offer/answer exchanges over its whole life (RFC 3264 8): the
// first answer, answers to re-offers (hold, resume, codec change, a new address), our own
// offers (late offer, a re-INVITE without SDP) and the answers to them. It keeps our current
// description and its o= version, which goes up by one exactly when a new description of ours
// differs from the previous one, and stays when we send the same description again.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "base/result.h"
#include "sdp/negotiation.h"
#include "sdp/session.h"

namespace keyline::sdp {

class OfferAnswer {
 public:
  explicit OfferAnswer(LocalMedia local) : local_(std::move(local)) {}

  // Answers the peer's offer. On success the answer becomes our current description; on
  // failure (answer_offer's errors: "488 ..." when nothing is acceptable) nothing changes and
  // the session goes on as it was (RFC 3264 8: a rejected re-offer leaves the old session).
  // Once the session is SRTP, a re-offer must be SRTP too (no downgrade within a call).
  Result<Answer> answer(const SessionDescription& offer);

  // Our offer, for a 2xx to an INVITE without SDP: every codec we take, sendrecv, SRTP when
  // the session so far was SRTP (or the policy is mandatory). Kept until take_answer().
  Result<SessionDescription> offer();

  // The peer's answer to offer() (from the ACK). On success it is the session from then on;
  // on failure our previous description stays current.
  Result<NegotiatedMedia> take_answer(const SessionDescription& answer);

  bool offer_pending() const { return pending_.has_value(); }
  // Our current description (nullopt before the first exchange).
  const std::optional<SessionDescription>& current() const { return current_; }
  // Whether the current session is SRTP (the keys themselves live in the media session only).
  bool secure() const { return secure_; }
  const LocalMedia& local() const { return local_; }

 private:
  // Gives `next` the session id and the o= version it must carry after the last description
  // we sent, and records it as sent.
  void version(SessionDescription& next);

  LocalMedia local_;
  std::optional<SessionDescription> current_;
  std::optional<SessionDescription> pending_;  // our offer awaiting its answer
  // The last description we sent, accepted or not: a later one is compared with it, so a
  // version once used is never reused for different content.
  std::optional<std::string> sent_text_;
  std::uint64_t sent_version_ = 0;
  bool secure_ = false;
};

}  // namespace keyline::sdp
