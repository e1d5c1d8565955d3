// The post-call web service's request for a call that ended (docs/apps.md, "Post-call web
// service"). Part of CallSession: built here on the worker from the call's variables, then
// handed to the sender, which stores and delivers it on its own thread.
#include "flow/app_egress.h"
#include "flow/post_call.h"
#include "server/call_session.h"

namespace keyline::server {

void CallSession::queue_post_call() {
  if (!interpreter_ || !app_->settings.post_call || !ctx_.post_call) return;
  const flow::PostCallFacts facts = post_call_facts();
  const flow::PostCallSettings& settings = *app_->settings.post_call;
  if (settings.recording && !finished_recording_.empty()) queue_recording_upload(facts);
  if (!settings.has_request) return;
  if (!flow::post_call_wsdl_url(settings).empty()) {
    queue_post_call_wsdl(facts);
    return;
  }
  auto request = flow::build_post_call_request(settings, facts, interpreter_->variables(),
                                               app_->settings.secure);
  if (!request) {
    // Nothing to retry: the app's own settings refuse the request (a private value for a
    // plain http URL). The reason names no value.
    ctx_.logger.error("post_call", "call " + record_.call_id +
                                       ": post-call request not sent: " + request.error().message);
    return;
  }
  // The app's own egress list narrows the server's, as for its REST modules.
  if (auto refusal = flow::app_egress_refusal(app_->settings, request->url)) {
    flow::wipe(*request);
    ctx_.logger.error("post_call",
                      "call " + record_.call_id + ": post-call request not sent: " + *refusal);
    return;
  }
  ctx_.post_call(std::move(*request), record_.call_id, "");
}

flow::PostCallFacts CallSession::post_call_facts() const {
  flow::PostCallFacts facts;
  facts.id = record_.call_id;
  facts.ani = record_.from;
  facts.dnis = record_.to;
  facts.start_unix_ms = record_.start_unix_ms;
  facts.end_unix_ms = record_.end_unix_ms;
  facts.exit_reason = record_.exit_reason;
  facts.app = record_.app;
  facts.revision = ctx_.app_revision;
  return facts;
}

void CallSession::queue_recording_upload(const flow::PostCallFacts& facts) {
  auto request =
      flow::build_recording_upload(*app_->settings.post_call, facts, interpreter_->variables());
  std::string refusal;
  if (!request) {
    refusal = request.error().message;
  } else if (auto denied = flow::app_egress_refusal(app_->settings, request->url)) {
    flow::wipe(*request);
    refusal = *denied;
  }
  if (!refusal.empty()) {
    // The recording stays on disk (nothing deletes it unless an upload is confirmed).
    ctx_.logger.error("post_call",
                      "call " + record_.call_id + ": recording upload not queued: " + refusal);
    return;
  }
  // A second file of the call (a Call Recording module's start after a stop) is a second
  // upload: its own queue row and idempotency key.
  std::string key = record_.call_id + "/recording";
  if (call_recording_files_ > 1) {
    const std::string n = std::to_string(call_recording_files_);
    key += n;
    for (auto& [name, value] : request->headers) {
      if (name == "Idempotency-Key") value += "-" + n;
    }
  }
  ctx_.post_call(std::move(*request), key, finished_recording_);
  finished_recording_.clear();  // queued: never queued twice
}

}  // namespace keyline::server
