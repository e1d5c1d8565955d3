// CallSession's outbound part: the call parameters as app variables, the post-connect keys, and
// answering-machine detection updating session.connection.callee_type as the callee's audio
// comes in (docs/apps.md, "Outbound calls").
#include "base/secure_wipe.h"
#include "flow/json_value.h"
#include "server/call_session.h"

namespace keyline::server {

void CallSession::set_outbound_variables(flow::Variables& session) {
  auto& out = *ctx_.outbound;
  auto parameters = flow::parse_json_value(out.parameters, out.private_parameters);
  if (parameters && parameters->kind() == flow::Value::Kind::kMap) {
    for (const auto& [name, value] : parameters->as_map())
      session.set_value(name, value, out.private_parameters);
    parameters->wipe();
  } else {
    ctx_.logger.warn("call", record_.call_id + " outbound parameters are not a JSON object");
  }
  secure_wipe(out.parameters);  // the interpreter's variables hold them now
  if (out.amd) {
    amd_ = std::make_unique<media::AnsweringMachineDetector>(*out.amd);
    session.set("session.connection.callee_type",
                media::callee_type_name(media::CalleeType::kProcessing));
  } else {
    session.set("session.connection.callee_type",
                media::callee_type_name(media::CalleeType::kUnknown));
  }
  // Keys for an extension or an IVR at the far end, RFC 4733 (or tones when the callee takes
  // no telephone-event), queued behind one another by the media session.
  for (char key : out.postd) media_->send_digit(key);
}

void CallSession::feed_amd(std::span<const std::int16_t> pcm) {
  if (ended_ || !interpreter_ || amd_->result() != media::CalleeType::kProcessing) return;
  auto decided = amd_->feed(pcm);
  if (!decided) return;
  const std::string_view name = media::callee_type_name(*decided);
  interpreter_->variables().set("session.connection.callee_type", name);
  ctx_.logger.info("call", record_.call_id + " answering-machine detection: " + std::string(name));
}

}  // namespace keyline::server
