// The call's media figures for its CDR: media/call_quality.h's estimate in
// the store's shape (the two layers do not know each other).
#pragma once

#include "media/codec.h"
#include "media/media_session.h"
#include "store/call_record.h"

namespace keyline::server {

store::CallMediaRecord media_record(media::Codec codec, bool srtp, const media::MediaStats& stats);

}  // namespace keyline::server
