// A call's media re-negotiated in the dialog, and keys from SIP INFO (server_dialog.cc sends
// them here).
#include "server/call_session.h"

namespace keyline::server {

Status CallSession::update_stream(media::StreamParams stream) {
  const media::StreamParams& before = media_->params();
  const bool was_sending = before.sending;
  const media::Codec old_codec = before.codec;
  auto updated = media_->update(stream);
  stream.srtp.reset();  // the keys live in the media session now (or were dropped)
  if (!updated) return updated.error();
  if (was_sending && !stream.sending)
    ctx_.logger.info("call", record_.call_id + " on hold: sending paused");
  if (!was_sending && stream.sending)
    ctx_.logger.info("call", record_.call_id + " resumed: sending again");
  if (old_codec != stream.codec)
    ctx_.logger.info("call", record_.call_id + " codec changed: prompts from now on in " +
                                 std::string(media::codec_name(stream.codec)));
  // play() picks prompt audio for stream_.codec: prompts started from now on are encoded for
  // the new codec (those already queued are transcoded by the media session).
  stream_ = std::move(stream);
  return Ok{};
}

void CallSession::on_info_digit(char digit, std::chrono::milliseconds span) {
  if (ended_) return;
  media_->inject_digit(digit, media::DigitSource::kSipInfo, span);
}

}  // namespace keyline::server
