// The Assistant's `set_tts` with a named voice (docs/apps.md, the assistant protocol). Part of
// CallSession: the voice replaces the language's voice (voice_for's per-call choice) for the
// rest of the call, so a later Language module's switch away and back keeps it.
#include "server/call_session.h"

namespace keyline::server {

bool CallSession::set_voice(std::string_view voice, std::string_view language) {
  if (!ctx_.voices) return true;  // no catalog: every prompt has the renderer's one voice
  auto chosen = ctx_.voices->choose(language, voice);
  if (!chosen) {
    // The name and the language come from the web service's answer: the line names neither.
    ctx_.logger.warn("call", record_.call_id +
                                 " assistant set_tts: the voice is not installed or does not "
                                 "speak the session language; the current voice stays");
    return false;
  }
  ctx_.logger.info(
      "call", record_.call_id + " assistant set_tts voice: " + chosen->engine + ":" + chosen->name);
  voices_[std::string(language)] = std::move(*chosen);
  return true;
}

}  // namespace keyline::server
