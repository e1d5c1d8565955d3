// The `transfer:` section of the server config: where the Transfer module's bridged legs go
// and how phone-number targets become SIP URIs (docs/configuration.md, docs/sip.md).
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "server/privacy_config.h"

namespace keyline::server {

struct TransferConfig {
  // Every bridged leg's INVITE goes to this address ("host" or "host:port", an IP address),
  // whatever its Request-URI says. Empty: to the target URI's own host and port.
  std::string proxy_host;
  std::uint16_t proxy_port = 5060;
  // The host part for number targets ("5551234" -> sip:5551234@domain). Empty: the proxy
  // host; with neither, number targets fail (exit error).
  std::string domain;
};

// Reads `node` (a mapping, or undefined for the defaults).
void read_transfer_config(const YAML::Node& node, TransferConfig& out, const ConfigFail& fail);

}  // namespace keyline::server
