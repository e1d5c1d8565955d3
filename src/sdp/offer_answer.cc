#include "sdp/offer_answer.h"

namespace keyline::sdp {
namespace {

bool has_keys(const SessionDescription& sd) {
  for (const auto& md : sd.media)
    if (!md.crypto.empty()) return true;
  return false;
}

}  // namespace

void OfferAnswer::version(SessionDescription& next) {
  next.session_id = local_.session_id;
  if (!sent_text_) {
    next.session_version = local_.session_version;
  } else {
    // RFC 3264 8: the version is incremented by one when the description changes and stays
    // the same when it does not. Compared as text with the old version in place.
    next.session_version = sent_version_;
    if (has_keys(next) || serialize(next) != *sent_text_) next.session_version = sent_version_ + 1;
  }
  sent_version_ = next.session_version;
  // A description with SDES keys is not kept as text (the keys would sit in an unwiped
  // string); it carries a fresh key each time anyway, so it always counts as changed.
  sent_text_ = has_keys(next) ? std::string() : serialize(next);
}

Result<Answer> OfferAnswer::answer(const SessionDescription& offer) {
  // Once SRTP, always SRTP: a re-offer may not take a call's media back to plain RTP, whatever
  // the policy allowed for its first offer.
  LocalMedia local = local_;
  if (secure_) local.srtp = SrtpPolicy::kMandatory;
  auto answered = answer_offer(offer, local);
  if (!answered) return answered.error();
  version(answered->sdp);
  current_ = answered->sdp;
  secure_ = answered->media.srtp.has_value();
  pending_.reset();
  return answered;
}

Result<SessionDescription> OfferAnswer::offer() {
  const bool secure = secure_ || local_.srtp == SrtpPolicy::kMandatory;
  SessionDescription sd;
  if (secure) {
    auto made = make_secure_offer(local_);
    if (!made) return made.error();
    sd = std::move(*made);
  } else {
    sd = make_offer(local_);
  }
  version(sd);
  pending_ = sd;
  return sd;
}

Result<NegotiatedMedia> OfferAnswer::take_answer(const SessionDescription& answer) {
  if (!pending_) return make_error("sdp", "no offer of ours is waiting for an answer");
  auto agreed = accept_answer(*pending_, answer);
  SessionDescription offered = std::move(*pending_);
  pending_.reset();
  if (!agreed) return agreed.error();
  current_ = std::move(offered);
  secure_ = agreed->srtp.has_value();
  return agreed;
}

}  // namespace keyline::sdp
