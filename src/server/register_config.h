// `sip.register:` in the server config: the registrars this server keeps a binding with, so
// a trunk that routes to registered users sends our numbers' calls here (RFC 3261 10;
// sip/registration.h does the protocol). Passwords are never written in the config: only
// where the server reads them (env:VAR or file:PATH), resolved when the server starts.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "server/privacy_config.h"

namespace keyline::server {

struct RegisterSettings {
  std::string name;               // for logs and the metric (default: the registrar's host)
  std::string registrar;          // sip:host[:port] (the host an IP address)
  std::string aor;                // address of record: sip:user@domain
  std::string contact_user;       // the user part of our Contact (default: the AOR's user)
  std::string transport = "udp";  // udp | tcp
  std::string username;           // digest; empty: challenges are not answered
  std::string password_ref;       // env:VAR or file:PATH
  int expires_s = 3600;
  int retry_min_s = 30;  // first wait after a failure, doubled up to retry_max_s
  int retry_max_s = 600;
};

// Reads a list of mappings (or a single mapping) into `out`.
void read_register_config(const YAML::Node& node, const std::string& base_dir,
                          std::vector<RegisterSettings>& out, const ConfigFail& fail);

}  // namespace keyline::server
