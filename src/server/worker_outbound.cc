// A worker's outbound side: the first worker lends the dialer (outbound_dialer.h) its loop,
// user agent, routing table and call sessions; an answered outbound call then lives in calls_
// like an inbound one (ticks, BYE, call log, shutdown). Every worker's calls get their
// session context here.
#include <filesystem>

#include "server/worker.h"
#include "store/backend.h"

namespace keyline::server {

CallSession::Context Worker::session_context(const RoutedDeployment& route) {
  CallSession::Context ctx{*loop_,       *ua_,          shared_.renderer, logger_,      *http_,
                           config_.http, route.prompts, &shared_.voices,  &shared_.asr, &metrics_};
  ctx.recordings_dir = config_.recording.directory.empty()
                           ? (std::filesystem::path(config_.data_dir) / "recordings").string()
                           : config_.recording.directory;
  ctx.variables = route.variables;
  ctx.legs = &legs_;
  ctx.ids = &ids_;
  ctx.media_config = media::MediaConfig{config_.sip.listen, config_.media.rtp_port_min,
                                        config_.media.rtp_port_max};
  ctx.transfer = config_.transfer;
  ctx.smtp = smtp_.get();
  ctx.sms_http = sms_http_.get();
  if (config_.messaging.sms) ctx.sms = &*config_.messaging.sms;
  ctx.load_app = [this, secure = route.deployment.secure](std::string_view name, int revision) {
    return find_sub_app(name, revision, secure);
  };
  ctx.post_call = [this](flow::WebRequest request, const std::string& key,
                         const std::string& body_file) {
    shared_.post_call.enqueue(std::move(request), key, unix_ms(std::chrono::system_clock::now()),
                              body_file);
  };
  ctx.recording_finished = [this](store::RecordingRecord row) {
    shared_.post_call.recording_finished(std::move(row));
  };
  ctx.app_revision = route.revision;
  ctx.oauth2 = oauth2_tokens_.get();
  ctx.wsdl = &wsdl_cache_;
  return ctx;
}

void Worker::adopt_call(sip::CallHandle handle, std::unique_ptr<CallSession> call) {
  ++metrics_.calls_total;
  ++metrics_.calls_active;
  CallSession& session = *call;
  calls_[handle] = std::move(call);
  media_phases_stale_ = true;
  publish_calls();
  session.on_answered();
}

Status Worker::start_outbound(store::Backend& backend) {
  OutboundDialer::Host host{*loop_, *ua_, legs_, logger_, ids_, *http_, config_};
  host.find_route = [this](const std::string& name) -> std::shared_ptr<const RoutedDeployment> {
    if (!routes_) return nullptr;
    for (const auto& route : routes_->routes())
      if (route->deployment.name == name) return route;
    return nullptr;
  };
  host.session_context = [this](const RoutedDeployment& route) { return session_context(route); };
  host.adopt = [this](sip::CallHandle handle, std::unique_ptr<CallSession> call) {
    adopt_call(handle, std::move(call));
  };
  dialer_ = std::make_unique<OutboundDialer>(std::move(host), backend.outbound());
  return dialer_->start();
}

}  // namespace keyline::server
