#include "server/transfer_config.h"

#include <cstdlib>

#include "io/endpoint.h"

namespace keyline::server {

void read_transfer_config(const YAML::Node& node, TransferConfig& out, const ConfigFail& fail) {
  if (!node.IsDefined() || node.IsNull()) return;
  if (!node.IsMap()) {
    fail(node, "transfer", "must be a mapping");
    return;
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    const YAML::Node value = it->second;
    if (!value.IsScalar()) {
      fail(value, "transfer." + key, "must be a string");
      continue;
    }
    const std::string text = value.Scalar();
    if (key == "proxy") {
      // "10.0.0.1", "10.0.0.1:5070" or "[::1]:5070": an address, so no lookup runs on a worker.
      std::string host = text;
      std::uint16_t port = 5060;
      const auto colon = text.rfind(':');
      const bool bracketed = !text.empty() && text.front() == '[';
      if (bracketed) {
        const auto close = text.find(']');
        host = close == std::string::npos ? "" : text.substr(1, close - 1);
        if (close != std::string::npos && close + 1 < text.size() && text[close + 1] == ':')
          port = static_cast<std::uint16_t>(std::atoi(text.c_str() + close + 2));
      } else if (colon != std::string::npos && text.find(':') == colon) {
        host = text.substr(0, colon);
        port = static_cast<std::uint16_t>(std::atoi(text.c_str() + colon + 1));
      }
      if (host.empty() || port == 0 || !io::Endpoint::parse(host, port)) {
        fail(value, "transfer.proxy",
             "must be an IP address with an optional port (10.0.0.1:5060)");
        continue;
      }
      out.proxy_host = host;
      out.proxy_port = port;
    } else if (key == "domain") {
      if (text.empty() || text.find_first_of(" <>\"@;:") != std::string::npos) {
        fail(value, "transfer.domain", "must be a host name or address (pbx.example.com)");
        continue;
      }
      out.domain = text;
    } else {
      fail(it->first, "transfer." + key, "unknown key (known: proxy, domain)");
    }
  }
}

}  // namespace keyline::server
