// Host names as targets (RFC 3263): an INVITE, a redirect target or an out-of-dialog request
// (REGISTER) whose next hop is a name is looked up through the TargetResolver (NAPTR, SRV,
// A/AAAA on the resolver's thread; the answer comes back on our loop), sent to the first
// target, and moved to the next one when the transaction times out, cannot be sent, or the
// server answers 503 (RFC 3263 4.3). Each attempt is a new client transaction.
#include "base/strings.h"
#include "sip/async_resolver.h"
#include "sip/user_agent.h"
#include "sip/user_agent_call.h"

namespace keyline::sip {
namespace {

Peer to_peer(const SipTarget& target) {
  Peer p;
  p.kind = target.kind;
  p.endpoint = target.endpoint;
  return p;
}

// The transport the owner asked for goes into the look-up when the URI names none.
Uri with_transport(Uri uri, TransportKind kind) {
  if (kind == TransportKind::kUdp || uri.param("transport")) return uri;
  uri.params.emplace_back("transport", kind == TransportKind::kTcp ? "tcp" : "tls");
  return uri;
}

}  // namespace

struct UserAgent::NamedRequest {
  Message request;
  std::vector<SipTarget> targets;
  std::size_t next = 0;
  FinalResponse on_final;
};

bool UserAgent::send_invite(Call& call, const std::pair<std::string, std::string>* authorization) {
  Message m = new_request(call, "INVITE");  // Request-URI: the remote target
  if (authorization) m.add_header(authorization->first, authorization->second);
  m.add_header("Contact", contact_for(call.peer, call.sips));
  m.add_header("Allow", std::string(kUaAllow));
  m.add_header("Supported", "100rel");  // a reliable 18x gets our PRACK
  for (const auto& [name, value] : call.extra_headers) m.add_header(name, value);
  m.add_header("Content-Type", "application/sdp");
  m.body = call.local_sdp;
  call.invite = m;
  auto tx = layer_.send_request(std::move(m), call.peer);
  if (!tx) return false;
  by_transaction_.erase(call.invite_tx);
  call.invite_tx = *tx;
  by_transaction_[*tx] = call.handle;
  call.state = Call::State::kCalling;
  return true;
}

Result<CallHandle> UserAgent::invite_by_name(const std::string& request_uri, const Uri& target,
                                             const std::string& from_uri, TransportKind kind,
                                             const std::string& sdp, const HeaderList& headers) {
  if (!resolver_) return make_error("sip", "no resolver for the host name " + target.host);
  auto call = std::make_unique<Call>();
  call->sips = target.scheme == "sips";
  call->handle = next_handle_++;
  call->uas = false;
  call->state = Call::State::kCalling;
  call->peer.kind = kind;
  call->call_id = ids_.token(20) + "@keyline";
  call->local_tag = ids_.token(10);
  call->local_header = "<" + from_uri + ">;tag=" + call->local_tag;
  call->remote_header = "<" + request_uri + ">";
  call->remote_target = request_uri;
  call->local_sdp = sdp;
  call->extra_headers = headers;
  call->tried_targets.push_back(request_uri);
  CallHandle handle = call->handle;
  by_dialog_[call->call_id + "|" + call->local_tag] = handle;
  Call& ref = *call;
  calls_[handle] = std::move(call);
  ++unended_calls_;
  resolve_then_invite(ref, target, kind);
  return handle;
}

void UserAgent::resolve_then_invite(Call& call, const Uri& target, TransportKind kind) {
  // No transaction while the look-up runs: a hang-up meanwhile just ends the call.
  by_transaction_.erase(call.invite_tx);
  call.invite_tx = 0;
  call.state = Call::State::kCalling;
  std::weak_ptr<bool> alive = alive_;
  CallHandle h = call.handle;
  const std::string host = target.host;
  resolver_->resolve(
      with_transport(target, kind), [this, alive, h, host](std::vector<SipTarget> targets) {
        if (alive.expired()) return;
        Call* c = find(h);
        if (!c || c->ended || c->state != Call::State::kCalling || c->invite_tx != 0) return;
        c->failover = std::move(targets);
        while (!c->failover.empty()) {
          c->peer = to_peer(c->failover.front());
          c->failover.erase(c->failover.begin());
          if (c->sips && !c->peer.secure()) continue;
          if (send_invite(*c)) return;
        }
        logger_.warn("sip", "call " + c->call_id + ": no SIP server found for " + host);
        c->state = Call::State::kTerminating;
        end(*c, EndReason::kFailed, 503);
        forget_later(h);
      });
}

bool UserAgent::fail_over(Call& call, const Message& response, ResponseOrigin origin) {
  if (call.state == Call::State::kCancelling) return false;
  if (response.status != 503 && origin == ResponseOrigin::kPeer) return false;
  while (!call.failover.empty()) {
    call.peer = to_peer(call.failover.front());
    call.failover.erase(call.failover.begin());
    if (call.sips && !call.peer.secure()) continue;
    logger_.info("sip", "call " + call.call_id + ": " + std::to_string(response.status) +
                            ", failing over to " + call.peer.endpoint.to_string());
    call.prack_tag.clear();
    call.prack_rseq = 0;
    if (send_invite(call)) return true;
  }
  return false;
}

Result<TransactionId> UserAgent::send_request_by_name(Message request, TransportKind kind,
                                                      FinalResponse on_final) {
  auto uri = parse_uri(request.request_uri);
  if (!uri) return make_error("sip", "bad request URI: " + uri.error().message);
  if (!resolver_) return make_error("sip", "no resolver for the host name " + uri->host);
  auto named = std::make_shared<NamedRequest>();
  named->request = std::move(request);
  named->on_final = std::move(on_final);
  std::weak_ptr<bool> alive = alive_;
  resolver_->resolve(with_transport(*uri, kind),
                     [this, alive, named](std::vector<SipTarget> targets) {
                       if (alive.expired()) return;
                       named->targets = std::move(targets);
                       try_next_target(named);
                     });
  return TransactionId{0};
}

void UserAgent::try_next_target(const std::shared_ptr<NamedRequest>& named) {
  std::weak_ptr<bool> alive = alive_;
  while (named->next < named->targets.size()) {
    Peer peer = to_peer(named->targets[named->next++]);
    auto tx = send_request(named->request, peer, [this, alive, named](const Message& response) {
      const bool retry = response.status == 503 || response.status == 408;
      if (retry && !alive.expired() && named->next < named->targets.size()) {
        try_next_target(named);
        return;
      }
      if (named->on_final) named->on_final(response);
    });
    if (tx) return;
  }
  // Nothing (left) to send to: the owner sees a 503 as for a transport error.
  Message r = make_response(named->request, 503);
  if (named->on_final) named->on_final(r);
}

}  // namespace keyline::sip
