// SDES key exchange (RFC 4568 5-7): which offered a=crypto line an answerer
// can take, our own line with a fresh key, and what an answer agreed to.
// Pure apart from the injected random source.
#pragma once

#include <vector>

#include "base/result.h"
#include "base/secure_random.h"
#include "sdp/crypto.h"
#include "sdp/session.h"

namespace keyline::sdp {

// The first offered line we can honour: a suite in `supported`, exactly one
// key of the suite's length, no MKI, and no session parameter that would
// weaken or change the transform. nullptr when there is none.
const CryptoAttribute* choose_offered_crypto(const MediaDescription& offered,
                                             const std::vector<SrtpSuite>& supported);

// A line of ours with a fresh key||salt from `random` (the system CSPRNG
// when empty).
Result<CryptoAttribute> make_local_crypto(std::uint32_t tag, SrtpSuite suite,
                                          const RandomFill& random);

// The keys an answerer agrees to: the offerer's key for receiving, ours for
// sending.
SrtpKeys keys_for_answer(const CryptoAttribute& offered, const CryptoAttribute& ours);

// Checks an answer's a=crypto against the lines we offered: exactly one line,
// echoing one of our tags with the same suite and a usable key.
Result<SrtpKeys> keys_from_answer(const MediaDescription& offered,
                                  const MediaDescription& answered);

}  // namespace keyline::sdp
