// The `outbound:` section of the server config: where the dialer's calls go, the caller id they
// carry by default, how many run at once, and answering-machine detection
// (docs/configuration.md, "outbound:").
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "media/answering_machine_detector.h"
#include "server/privacy_config.h"
#include "server/transfer_config.h"

namespace keyline::server {

struct OutboundConfig {
  bool enabled = true;  // false: queued calls stay queued (another node dials them)
  // Where INVITEs go and how numbers become URIs: outbound.proxy / outbound.domain, else the
  // `transfer:` section's (routing.proxy_host empty and domain empty: use transfer's).
  TransferConfig routing;
  std::string caller_id;    // the ANI when a call gives none; empty: "anonymous"
  int max_concurrent = 10;  // calls ringing or connected at once, per server
  int poll_ms = 1000;       // how often the queue is checked for due calls
  int ring_timeout_s = 45;  // no answer in this long: CANCEL, a "noanswer" attempt
  // Destinations given as sip: URIs (not only numbers) may be dialled. Off by default: it lets
  // an API user send the server's calls to any SIP host.
  bool allow_sip_uris = false;
  bool amd = true;  // answering-machine detection sets session.connection.callee_type
  media::AmdSettings amd_settings;
};

void read_outbound_config(const YAML::Node& node, OutboundConfig& out, const ConfigFail& fail);

// The routing the dialer uses: its own when set, else the transfer section's.
TransferConfig outbound_routing(const OutboundConfig& outbound, const TransferConfig& transfer);

}  // namespace keyline::server
