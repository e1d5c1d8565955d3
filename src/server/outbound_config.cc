#include "server/outbound_config.h"

#include "server/config_section.h"

namespace keyline::server {
namespace {

bool read_int(const YAML::Node& v, const std::string& path, int low, int high, int& out,
              const ConfigFail& fail) {
  int n = 0;
  if (!v.IsScalar() || !YAML::convert<int>::decode(v, n) || n < low || n > high) {
    fail(v, path,
         "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high));
    return false;
  }
  out = n;
  return true;
}

bool read_bool(const YAML::Node& v, const std::string& path, bool& out, const ConfigFail& fail) {
  bool b = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
    fail(v, path, "must be true or false");
    return false;
  }
  out = b;
  return true;
}

}  // namespace

void read_outbound_config(const YAML::Node& node, OutboundConfig& out, const ConfigFail& fail) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    fail(node, "outbound", "must be a mapping");
    return;
  }
  only_config_keys(node, "outbound",
                   {"enabled", "proxy", "domain", "caller_id", "max_concurrent", "poll_ms",
                    "ring_timeout_s", "allow_sip_uris", "amd"},
                   fail);
  // proxy and domain read exactly as transfer's (one reader), with paths renamed.
  YAML::Node routing(YAML::NodeType::Map);
  for (const char* key : {"proxy", "domain"})
    if (node[key]) routing[key] = node[key];
  read_transfer_config(
      routing, out.routing,
      [&fail](const YAML::Node& n, const std::string& path, const std::string& message) {
        const auto dot = path.find('.');
        fail(n, dot == std::string::npos ? "outbound" : "outbound" + path.substr(dot), message);
      });
  if (auto v = node["enabled"]) read_bool(v, "outbound.enabled", out.enabled, fail);
  if (auto v = node["caller_id"]) {
    const std::string text = v.IsScalar() ? v.Scalar() : "";
    bool ok = !text.empty() && text.size() <= 20;
    for (std::size_t i = 0; ok && i < text.size(); ++i)
      ok = (text[i] >= '0' && text[i] <= '9') || (i == 0 && text[i] == '+');
    if (!ok)
      fail(v, "outbound.caller_id", "must be a phone number (digits, optional leading '+')");
    else
      out.caller_id = text;
  }
  if (auto v = node["max_concurrent"])
    read_int(v, "outbound.max_concurrent", 1, 10000, out.max_concurrent, fail);
  if (auto v = node["poll_ms"]) read_int(v, "outbound.poll_ms", 100, 60000, out.poll_ms, fail);
  if (auto v = node["ring_timeout_s"])
    read_int(v, "outbound.ring_timeout_s", 5, 600, out.ring_timeout_s, fail);
  if (auto v = node["allow_sip_uris"])
    read_bool(v, "outbound.allow_sip_uris", out.allow_sip_uris, fail);
  if (auto v = node["amd"]) {
    if (v.IsScalar()) {
      read_bool(v, "outbound.amd", out.amd, fail);
    } else if (v.IsMap()) {
      only_config_keys(v, "outbound.amd", {"enabled", "decision_ms"}, fail);
      if (auto e = v["enabled"]) read_bool(e, "outbound.amd.enabled", out.amd, fail);
      if (auto d = v["decision_ms"])
        read_int(d, "outbound.amd.decision_ms", 500, 30000, out.amd_settings.decision_ms, fail);
    } else {
      fail(v, "outbound.amd", "must be true, false or a mapping (enabled, decision_ms)");
    }
  }
}

TransferConfig outbound_routing(const OutboundConfig& outbound, const TransferConfig& transfer) {
  if (!outbound.routing.proxy_host.empty() || !outbound.routing.domain.empty())
    return outbound.routing;
  return transfer;
}

}  // namespace keyline::server
