// The user agent's core: construction, finding calls, our addresses (Contact, Via), the
// first look at every request (which answers it gets before any call state), and ending and
// forgetting calls. The INVITE roles and in-dialog requests are in user_agent_uas.cc,
// user_agent_uac.cc and user_agent_dialog.cc, the rest in user_agent_*.cc by feature.
#include "sip/user_agent.h"

#include "sip/user_agent_call.h"

#include <algorithm>

#include "base/strings.h"
#include "sip/async_resolver.h"
#include "sip/digest.h"
#include "sip/headers.h"
#include "sip/loop_timer_service.h"
#include "sip/transaction_key.h"
#include "sip/uri.h"

namespace keyline::sip {
namespace {

constexpr std::string_view kAllow = kUaAllow;

// The extensions we implement: a Require naming only these is served (RFC 4028, RFC 3262).
bool is_supported_extension(std::string_view option) {
  return iequals(trim(option), "timer") || iequals(trim(option), "100rel");
}

TransactionConfig transaction_config(const UaConfig& c) {
  TransactionConfig t;
  t.t1 = c.t1;
  t.t2 = c.t2;
  t.t4 = c.t4;
  t.trying_delay = c.trying_delay;
  return t;
}

}  // namespace

// Methods we recognise but do not accept (405) as opposed to unknown ones (501).
bool is_known_method(std::string_view m) {
  for (std::string_view known : {"REGISTER", "SUBSCRIBE", "NOTIFY", "PUBLISH", "MESSAGE", "REFER",
                                 "UPDATE", "PRACK", "INFO"})
    if (m == known) return true;
  return false;
}

std::string tag_of(std::optional<std::string_view> header_value) {
  if (!header_value) return {};
  auto na = parse_name_addr(*header_value);
  if (!na) return {};
  return na->tag().value_or("");
}

std::string dialog_key(std::string_view call_id, std::string_view local_tag) {
  std::string key(call_id);
  key += '|';
  key += local_tag;
  return key;
}

std::string_view end_reason_name(EndReason reason) {
  switch (reason) {
    case EndReason::kRemoteBye:
      return "remote_bye";
    case EndReason::kLocalBye:
      return "local_bye";
    case EndReason::kCancelled:
      return "cancelled";
    case EndReason::kAckTimeout:
      return "ack_timeout";
    case EndReason::kRejected:
      return "rejected";
    case EndReason::kFailed:
      return "failed";
    case EndReason::kTimeout:
      return "timeout";
    case EndReason::kSessionExpired:
      return "session_expired";
  }
  return "unknown";
}

UserAgent::UserAgent(io::EventLoop& loop, Transport& transport, UaConfig config, Handlers handlers,
                     Logger& logger, IdGenerator& ids)
    : own_timers_(std::make_unique<LoopTimerService>(loop)),
      own_resolver_(std::make_unique<AsyncSipResolver>(loop)),
      resolver_(own_resolver_.get()),
      timers_(*own_timers_),
      sink_(transport),
      local_{transport.host(), transport.port(), transport.tls_port()},
      config_(std::move(config)),
      handlers_(std::move(handlers)),
      logger_(logger),
      ids_(ids),
      layer_(timers_, sink_, *this, transaction_config(config_)) {}

UserAgent::UserAgent(TimerService& timers, TransportSink& sink, LocalAddress local, UaConfig config,
                     Handlers handlers, Logger& logger, IdGenerator& ids)
    : timers_(timers),
      sink_(sink),
      local_(std::move(local)),
      config_(std::move(config)),
      handlers_(std::move(handlers)),
      logger_(logger),
      ids_(ids),
      layer_(timers_, sink_, *this, transaction_config(config_)) {}

UserAgent::~UserAgent() {
  *alive_ = false;
  for (auto& [handle, call] : calls_) {
    stop_2xx_retransmit(*call);
    stop_reliable_provisional(*call);
    timers_.cancel(call->no_answer_timer);
    timers_.cancel(call->session_timer_handle);
  }
}

std::size_t UserAgent::active_calls() const { return unended_calls_; }

UserAgent::Call* UserAgent::find(CallHandle handle) {
  auto it = calls_.find(handle);
  return it == calls_.end() ? nullptr : it->second.get();
}

UserAgent::Call* UserAgent::find_dialog(std::string_view call_id, std::string_view local_tag) {
  auto it = by_dialog_.find(dialog_key(call_id, local_tag));
  return it == by_dialog_.end() ? nullptr : find(it->second);
}

UserAgent::Call* UserAgent::find_by_transaction(TransactionId tx) {
  auto it = by_transaction_.find(tx);
  return it == by_transaction_.end() ? nullptr : find(it->second);
}

std::uint16_t UserAgent::port_for(const Peer& peer) const {
  return peer.kind == TransportKind::kTls && local_.tls_port ? local_.tls_port : local_.port;
}

std::string UserAgent::contact_for(const Peer& peer, bool sips) const {
  std::string host = local_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string c = std::string(sips ? "<sips:" : "<sip:") + config_.contact_user + "@" + host + ":" +
                  std::to_string(port_for(peer));
  if (peer.kind == TransportKind::kTcp) c += ";transport=tcp";
  if (peer.kind == TransportKind::kTls && !sips) c += ";transport=tls";
  return c + ">";
}

std::string UserAgent::via(const Peer& peer) {
  std::string host = local_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return "SIP/2.0/" + std::string(peer.transport_name()) + " " + host + ":" +
         std::to_string(port_for(peer)) + ";branch=" + std::string(kMagicCookie) + ids_.token(16) +
         ";rport";
}

void UserAgent::on_message(Message message, const Peer& from) { layer_.on_message(message, from); }

void UserAgent::respond(TransactionId tx, const Message& request, int status,
                        std::string_view to_tag) {
  Message r = make_response(request, status, {}, to_tag);
  r.add_header("Server", config_.user_agent);
  if (status == 405 || status == 501 || (status == 200 && request.method == "OPTIONS")) {
    r.add_header("Allow", std::string(kAllow));
  }
  if (status == 200 && request.method == "OPTIONS") {
    r.add_header("Accept", "application/sdp");
    r.add_header("Supported", std::string(kUaSupported));
  }
  layer_.respond(tx, r);
}

void UserAgent::on_request(TransactionId tx, const Message& request, const Peer& from) {
  const std::string& method = request.method;
  // RFC 3261 8.2.2.1: we serve sip:, sips: and tel: Request-URIs only.
  if (auto ruri = parse_uri(request.request_uri);
      !ruri || (ruri->scheme != "sip" && ruri->scheme != "sips" && ruri->scheme != "tel")) {
    respond(tx, request, 416);
    return;
  }
  // A sips: Request-URI promises TLS on every hop (RFC 3261 26.2.2, RFC 5630
  // 3.1.3): over anything else it is an unsupported scheme here.
  if (auto ruri = parse_uri(request.request_uri); ruri->scheme == "sips" && !from.secure()) {
    respond(tx, request, 416);
    return;
  }
  // A Require naming an extension we do not implement is a 420 (timer and 100rel we serve).
  std::string unsupported;
  for (auto v : request.header_values("Require"))
    if (!is_supported_extension(v))
      unsupported += (unsupported.empty() ? "" : ", ") + std::string(v);
  if (!unsupported.empty()) {
    Message r = make_response(request, 420, {}, {});
    r.add_header("Unsupported", unsupported);
    layer_.respond(tx, r);
    return;
  }

  std::string to_tag = tag_of(request.header("To"));
  if (to_tag.empty() && handlers_.admit) {
    if (auto refused = handlers_.admit(request, from)) {
      Message r = make_response(request, refused->status, {}, ids_.token(10));
      for (auto& [name, value] : refused->headers) r.add_header(name, value);
      r.add_header("Server", config_.user_agent);
      layer_.respond(tx, r);
      return;
    }
  }
  if (!to_tag.empty()) {
    Call* call = find_dialog(request.header("Call-ID").value_or(""), to_tag);
    if (!call) {
      respond(tx, request, 481);
      return;
    }
    on_in_dialog(*call, tx, request, from);
    return;
  }
  if (method == "INVITE") return on_new_invite(tx, request, from);
  if (method == "OPTIONS") return respond(tx, request, 200, ids_.token(10));
  if (method == "BYE") return respond(tx, request, 481);
  respond(tx, request, is_known_method(method) ? 405 : 501);
}

void UserAgent::end(Call& call, EndReason reason, int status) {
  if (call.ended) return;
  call.ended = true;
  --unended_calls_;
  CallHandle h = call.handle;
  std::weak_ptr<bool> alive = alive_;
  timers_.schedule(Millis(0), [this, alive, h, reason, status] {
    if (alive.expired()) return;
    if (handlers_.on_ended) handlers_.on_ended(h, reason, status);
  });
}

void UserAgent::forget_later(CallHandle handle) {
  // Deferred: we may be inside a callback that still holds the Call.
  std::weak_ptr<bool> alive = alive_;
  timers_.schedule(Millis(0), [this, alive, handle] {
    if (!alive.expired()) forget(handle);
  });
}

void UserAgent::forget(CallHandle handle) {
  Call* call = find(handle);
  if (!call) return;
  stop_2xx_retransmit(*call);
  stop_reliable_provisional(*call);
  timers_.cancel(call->no_answer_timer);
  if (!call->ended) end(*call, EndReason::kTimeout, 0);
  by_dialog_.erase(dialog_key(call->call_id, call->local_tag));
  by_transaction_.erase(call->invite_tx);
  by_transaction_.erase(call->bye_tx);
  by_transaction_.erase(call->refer_tx);
  by_transaction_.erase(call->refresh_tx);
  by_transaction_.erase(call->prack_tx);
  timers_.cancel(call->session_timer_handle);
  calls_.erase(handle);
}

}  // namespace keyline::sip
