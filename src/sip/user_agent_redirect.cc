// 3xx responses to our INVITEs (RFC 3261 8.1.3.4): the Contacts of a 301/302 (any 3xx but
// 300's choice is the same list) are new targets, tried best q first, each with a new INVITE
// client transaction in the same call (Call-ID, From tag and To kept, CSeq one up, a new
// branch), until one answers. A target that fails with a 4xx/5xx passes to the next one;
// a 6xx ends the attempt. At most kMaxRedirects new INVITEs per call, and no URI twice (the
// first target included), so two servers redirecting to each other cannot loop.
#include <algorithm>
#include <cstdlib>

#include "base/strings.h"
#include "sip/uri.h"
#include "sip/user_agent.h"
#include "sip/user_agent_call.h"

namespace keyline::sip {
namespace {

constexpr int kMaxRedirects = 5;

// The q parameter of a Contact (0 .. 1, default 1: RFC 3261 20.10), scaled to 0..1000.
int q_value(const NameAddr& contact) {
  for (const auto& [name, value] : contact.params) {
    if (!iequals(name, "q")) continue;
    const double q = std::strtod(value.c_str(), nullptr);
    if (q < 0 || q > 1) return 0;
    return static_cast<int>(q * 1000 + 0.5);
  }
  return 1000;
}

}  // namespace

std::vector<std::string> redirect_contacts(const Message& response) {
  std::vector<std::pair<int, std::string>> found;
  for (auto value : response.header_values("Contact")) {
    auto na = parse_name_addr(value);
    if (!na) continue;
    if (na->uri.scheme != "sip" && na->uri.scheme != "sips") continue;  // tel:, mailto: ...
    found.emplace_back(q_value(*na), na->uri.to_string());
  }
  // Highest q first; equal q keep the response's order.
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::string> out;
  for (auto& [q, uri] : found) out.push_back(std::move(uri));
  return out;
}

std::optional<Peer> UserAgent::redirect_peer(const Call& call, const Uri& target) const {
  // Through an outbound proxy (transfer.proxy): the new Request-URI goes there too.
  if (call.via_proxy) return call.peer;
  Peer peer;
  auto transport = target.param("transport");
  if (target.scheme == "sips" || (transport && iequals(*transport, "tls")))
    peer.kind = TransportKind::kTls;
  else if (transport && iequals(*transport, "tcp"))
    peer.kind = TransportKind::kTcp;
  const std::uint16_t port =
      target.port ? target.port : (peer.kind == TransportKind::kTls ? 5061 : 5060);
  auto ep = io::Endpoint::parse(target.host, port);
  if (!ep) return std::nullopt;  // a host name: see docs/sip.md (RFC 3263)
  peer.endpoint = *ep;
  return peer;
}

bool UserAgent::follow_redirect(Call& call, const Message& response) {
  const int status = response.status;
  if (call.state == Call::State::kCancelling || status >= 600) return false;
  if (status >= 300 && status < 400) {
    for (auto& uri : redirect_contacts(response)) {
      const bool seen = std::find(call.tried_targets.begin(), call.tried_targets.end(), uri) !=
                            call.tried_targets.end() ||
                        std::find(call.redirect_targets.begin(), call.redirect_targets.end(),
                                  uri) != call.redirect_targets.end();
      if (!seen) call.redirect_targets.push_back(std::move(uri));
    }
  }
  while (!call.redirect_targets.empty() && call.redirects < kMaxRedirects) {
    std::string target = std::move(call.redirect_targets.front());
    call.redirect_targets.erase(call.redirect_targets.begin());
    call.tried_targets.push_back(target);
    auto uri = parse_uri(target);
    if (!uri) continue;
    auto peer = redirect_peer(call, *uri);
    if (!peer && !resolver_) {
      logger_.info("sip", "call " + call.call_id + ": redirect target host " + uri->host +
                              " cannot be resolved (no resolver); skipped");
      continue;
    }
    if (peer && uri->scheme == "sips" && !peer->secure()) continue;
    ++call.redirects;
    logger_.info("sip", "call " + call.call_id + ": " + std::to_string(status) +
                            ", trying redirect target " + std::to_string(call.redirects) + " at " +
                            uri->host);
    call.sips = uri->scheme == "sips";
    call.remote_target = target;
    call.auth_attempts = 0;
    call.prack_tag.clear();
    call.prack_rseq = 0;
    call.failover.clear();
    if (!peer) {
      // A host name: RFC 3263 first (user_agent_targets.cc); the INVITE follows.
      resolve_then_invite(call, *uri, TransportKind::kUdp);
      return true;
    }
    call.peer = *peer;
    if (send_invite(call)) return true;
  }
  return false;
}

}  // namespace keyline::sip
