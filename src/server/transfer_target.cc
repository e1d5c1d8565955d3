#include "server/transfer_target.h"

#include "base/strings.h"
#include "sip/uri.h"

namespace keyline::server {

Result<TransferDestination> resolve_transfer_target(const std::string& target,
                                                    const TransferConfig& config,
                                                    const std::string& caller_host,
                                                    const io::Endpoint& caller_peer,
                                                    bool need_next_hop) {
  TransferDestination out;
  const bool is_uri = target.rfind("sip:", 0) == 0 || target.rfind("sips:", 0) == 0 ||
                      iequals(target.substr(0, 4), "sip:") || iequals(target.substr(0, 5), "sips:");
  if (is_uri) {
    auto uri = sip::parse_uri(target);
    if (!uri) return make_error("transfer", "bad target URI: " + uri.error().message);
    out.uri = target;
    if (!need_next_hop) return out;
    if (uri->scheme == "sips")
      return make_error("transfer", "a bridged transfer to a sips: URI is not supported");
    if (!config.proxy_host.empty()) {
      auto proxy = io::Endpoint::parse(config.proxy_host, config.proxy_port);
      if (!proxy) return proxy.error();
      out.next_hop = *proxy;
      return out;
    }
    // A host name leaves next_hop empty: the user agent finds the server by RFC 3263.
    if (auto hop = io::Endpoint::parse(uri->host, uri->port ? uri->port : 5060))
      out.next_hop = *hop;
    return out;
  }
  // A number ("+15551234567"): the trunk's domain decides where it goes.
  std::string host = config.domain;
  if (host.empty() && !config.proxy_host.empty()) {
    host = config.proxy_host.find(':') != std::string::npos ? "[" + config.proxy_host + "]"
                                                            : config.proxy_host;
  }
  if (host.empty()) host = caller_host;
  if (host.empty()) return make_error("transfer", "no transfer.domain for number targets");
  out.uri = "sip:" + target + "@" + host;
  if (!need_next_hop) return out;
  if (!config.proxy_host.empty()) {
    auto proxy = io::Endpoint::parse(config.proxy_host, config.proxy_port);
    if (!proxy) return proxy.error();
    out.next_hop = *proxy;
  } else {
    out.next_hop = caller_peer;  // back to the trunk the call came from
  }
  return out;
}

}  // namespace keyline::server
