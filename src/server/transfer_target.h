// Where a Transfer module's target leads: the URI to REFER to or INVITE, and (bridged) the
// address the INVITE is sent to — the `transfer:` proxy, the URI's own host, or for a bare
// number the trunk the call came in on. Pure: no lookups (hosts must be IP addresses).
#pragma once

#include <string>

#include "base/result.h"
#include "io/endpoint.h"
#include "server/transfer_config.h"

namespace keyline::server {

struct TransferDestination {
  std::string uri;        // sip:/sips: Request-URI or Refer-To
  io::Endpoint next_hop;  // bridged: where the INVITE goes
};

// `target` as the interpreter gives it (a number, or a sip:/sips:/tel: URI). `caller_host` is
// the host of the inbound Request-URI and `caller_peer` where the call came from: a number
// with no transfer.domain / transfer.proxy is sent back that way.
Result<TransferDestination> resolve_transfer_target(const std::string& target,
                                                    const TransferConfig& config,
                                                    const std::string& caller_host,
                                                    const io::Endpoint& caller_peer,
                                                    bool need_next_hop);

}  // namespace keyline::server
