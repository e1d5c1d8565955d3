#include "sdp/sdes.h"

#include <algorithm>

#include "base/strings.h"

namespace keyline::sdp {
namespace {

// RFC 4568 6.3: WSH (replay window size hint) is advisory, so a line that
// carries it is still usable. Every other session parameter either weakens
// the transform (UNENCRYPTED_SRTP, UNAUTHENTICATED_SRTP, ...) or changes it in
// ways we do not implement (KDR, FEC_ORDER, FEC_KEY): such lines are skipped.
bool acceptable_session_params(const std::vector<std::string>& params) {
  for (const auto& p : params)
    if (p.rfind("WSH=", 0) != 0) return false;
  return true;
}

// One key without MKI: MKI selects among several master keys, which needs a
// key per packet lookup we do not do.
bool usable_key(const CryptoAttribute& attr, SrtpSuite suite) {
  return attr.keys.size() == 1 && !attr.keys[0].mki &&
         attr.keys[0].key_salt.size() == suite_key_salt_length(suite);
}

}  // namespace

const CryptoAttribute* choose_offered_crypto(const MediaDescription& offered,
                                             const std::vector<SrtpSuite>& supported) {
  for (const auto& attr : offered.crypto) {
    auto suite = attr.known_suite();
    if (!suite || std::find(supported.begin(), supported.end(), *suite) == supported.end())
      continue;
    if (usable_key(attr, *suite) && acceptable_session_params(attr.session_params)) return &attr;
  }
  return nullptr;
}

Result<CryptoAttribute> make_local_crypto(std::uint32_t tag, SrtpSuite suite,
                                          const RandomFill& random) {
  CryptoAttribute attr;
  attr.tag = tag;
  attr.suite = std::string(suite_name(suite));
  CryptoKey key;
  key.key_salt.resize(suite_key_salt_length(suite));
  Status filled =
      random ? random(key.key_salt.writable()) : fill_secure_random(key.key_salt.writable());
  if (!filled)
    return make_error("random", "cannot generate an SRTP key: " + filled.error().message);
  attr.keys.push_back(std::move(key));
  return attr;
}

SrtpKeys keys_for_answer(const CryptoAttribute& offered, const CryptoAttribute& ours) {
  SrtpKeys keys;
  keys.suite = *ours.known_suite();
  keys.tag = ours.tag;
  keys.local_key = ours.keys[0].key_salt;
  keys.remote_key = offered.keys[0].key_salt;
  return keys;
}

Result<SrtpKeys> keys_from_answer(const MediaDescription& offered,
                                  const MediaDescription& answered) {
  if (!iequals(answered.proto, "RTP/SAVP"))
    return make_error("sdp", "we offered SRTP (RTP/SAVP) but the answer is " + answered.proto);
  // RFC 4568 7.1.2: the answer carries exactly one a=crypto.
  if (answered.crypto.size() != 1)
    return make_error("sdp", "the SRTP answer must carry exactly one usable a=crypto line");
  const CryptoAttribute& theirs = answered.crypto[0];
  auto suite = theirs.known_suite();
  auto ours = std::find_if(offered.crypto.begin(), offered.crypto.end(),
                           [&](const CryptoAttribute& a) { return a.tag == theirs.tag; });
  if (ours == offered.crypto.end() || !suite || ours->known_suite() != suite)
    return make_error("sdp", "the answer's a=crypto does not echo one of our tags and suites");
  if (!usable_key(theirs, *suite) || !acceptable_session_params(theirs.session_params))
    return make_error("sdp", "the answer's a=crypto key is unusable");
  SrtpKeys keys;
  keys.suite = *suite;
  keys.tag = theirs.tag;
  keys.local_key = ours->keys[0].key_salt;
  keys.remote_key = theirs.keys[0].key_salt;
  return keys;
}

}  // namespace keyline::sdp
