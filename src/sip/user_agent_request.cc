// Requests outside any call that the owner makes through the user agent (REGISTER). The UA
// lends them its Via, its transaction layer and its Contact; what the request means is the
// owner's business (registration.h).
#include "sip/user_agent.h"

namespace keyline::sip {

Result<TransactionId> UserAgent::send_request(Message request, const Peer& to,
                                              FinalResponse on_final) {
  if (!to.endpoint.valid())
    return send_request_by_name(std::move(request), to.kind, std::move(on_final));
  request.request = true;
  request.set_header("Via", via(to));
  if (!request.header("Max-Forwards")) request.add_header("Max-Forwards", "70");
  if (!request.header("User-Agent")) request.add_header("User-Agent", config_.user_agent);
  auto tx = layer_.send_request(std::move(request), to);
  if (!tx) return tx.error();
  requests_[*tx] = std::move(on_final);
  return *tx;
}

bool UserAgent::on_request_response(TransactionId tx, const Message& response) {
  auto it = requests_.find(tx);
  if (it == requests_.end()) return false;
  if (response.status < 200) return true;
  // Out of the map before the call: the callback may send the next request at once.
  FinalResponse done = std::move(it->second);
  requests_.erase(it);
  if (done) done(response);
  return true;
}

std::string UserAgent::contact(const Peer& peer, std::string_view user) const {
  std::string host = local_.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  std::string c = "<sip:" + std::string(user) + "@" + host + ":" + std::to_string(port_for(peer));
  if (peer.kind == TransportKind::kTcp) c += ";transport=tcp";
  if (peer.kind == TransportKind::kTls) c += ";transport=tls";
  return c + ">";
}

}  // namespace keyline::sip
